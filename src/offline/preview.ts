/**
 * Serves the local preview without building first (`node --import tsx src/offline/preview.ts`).
 * `npm start` runs bin/start.mjs, which builds dist/ and then runs the same preview/cli.ts.
 */
import { main } from './preview/cli.ts';

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
