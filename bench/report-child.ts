/**
 * The report command in a child process of the bench, so its time and peak memory are its own:
 * runs `leadflow report` with the arguments given, then prints the process's peak resident set.
 */
import { main } from '../src/offline/cli';

const code = await main(process.argv.slice(2));
process.stderr.write(`\nPEAK_RSS_KB ${process.resourceUsage().maxRSS}\n`);
process.exitCode = code;
