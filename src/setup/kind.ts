// kind: `go install sigs.k8s.io/kind@VERSION` into the cache, once per kind release. Installed into
// a temporary directory and renamed into place, so a half-written binary is never used.
import { mkdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { requireGo } from './checks.js';
import { SetupError } from './errors.js';
import { tailOf } from './proc.js';
import type { PartContext } from './types.js';
import { KIND_GO } from './versions.js';

export async function ensureKind(ctx: PartContext, kindVersion: string): Promise<{ cached: boolean; path: string }> {
  const path = ctx.layout.kindBin(kindVersion);
  const have = await ctx.proc.run([path, 'version'], { timeoutMs: 30_000 });
  if (have.exitCode === 0 && have.stdout.includes(`kind ${kindVersion} `)) return { cached: true, path };

  await requireGo(ctx.proc, KIND_GO, `build kind ${kindVersion}`);
  const tmp = `${ctx.layout.kindDir(kindVersion)}.tmp`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  ctx.emit({ kind: 'log', part: `kind ${kindVersion}`, line: `go install sigs.k8s.io/kind@${kindVersion}` });
  const out = await ctx.proc.run(['go', 'install', `sigs.k8s.io/kind@${kindVersion}`], {
    env: { GOBIN: tmp, CGO_ENABLED: '0', GOFLAGS: `${ctx.proc.env.GOFLAGS ?? ''} -modcacherw`.trim() },
    timeoutMs: 1_800_000,
  });
  if (out.exitCode !== 0) {
    rmSync(tmp, { recursive: true, force: true });
    const notServed = /unknown revision|not found|no matching versions|invalid version/i.test(out.stderr);
    throw new SetupError(notServed ? 'SETUP_NOT_SERVED' : 'SETUP_STEP_FAILED', `go install sigs.k8s.io/kind@${kindVersion} failed: ${tailOf(out, 3)}`, {
      hint: notServed ? 'check the network and GOPROXY (`go env GOPROXY`); the Go module proxy must serve this kind release' : 'fix what go says above and run `kubelab setup` again',
    });
  }
  mkdirSync(ctx.layout.kindDir(kindVersion), { recursive: true });
  renameSync(join(tmp, 'kind'), path);
  rmSync(tmp, { recursive: true, force: true });
  return { cached: false, path };
}
