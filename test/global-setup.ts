import { spawnSync } from 'node:child_process';

/** The integration tests run against lib/, as Logto does: build it once, first. */
export default function setup() {
  const { status } = spawnSync('npm', ['run', '--silent', 'build'], { stdio: 'inherit' });

  if (status !== 0) {
    throw new Error('Building lib/ failed; see above.');
  }
}
