// Links bin/mmexec.js as node_modules/.bin/mmexec in this checkout: npm links the bins of dependencies,
// not the project's own, and `node_modules/.bin/mmexec serve` should work right after `npm install`.
import { existsSync, mkdirSync, rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';

const binDir = join('node_modules', '.bin');
if (existsSync('node_modules')) {
  mkdirSync(binDir, { recursive: true });
  const link = join(binDir, 'mmexec');
  rmSync(link, { force: true });
  symlinkSync(join('..', '..', 'bin', 'mmexec.js'), link);
}
