// The parts of @kubernetes/client-node that kubelab runs, from this one module. The package is
// about 970 ES modules that Node loads one by one (0.8 s on a 2-core machine); `npm run build`
// bundles this file with what it needs into one (build/bundle-kube-client.ts), which loads in
// about 0.1 s. Other modules import the package's types directly (they load nothing) and its
// values only from here.
export { AuthorizationV1Api, CoreV1Api, KubeConfig, KubernetesObjectApi, PatchStrategy, Watch } from '@kubernetes/client-node';
