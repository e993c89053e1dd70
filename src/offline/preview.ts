/** `npm start`: builds (see package.json), then serves the local preview. See preview/cli.ts. */
import { main } from './preview/cli.ts';

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
