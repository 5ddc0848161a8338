// Command etcd is the etcd server, built from the go.etcd.io/etcd/server/v3
// module. etcd's own main package lives in a module that replaces its
// siblings with local paths, so it cannot be built from the Go module proxy;
// this one-line main is the same entry point.
package main

import (
	"os"

	"go.etcd.io/etcd/server/v3/etcdmain"
)

func main() {
	etcdmain.Main(os.Args)
}
