// The kubelab version, written into every report. Kept equal to package.json's "version"
// (test/cli/version.test.ts checks it) so it needs no file I/O at import time.
export const VERSION = '0.1.0';
