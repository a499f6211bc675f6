/**
 * `--import` this into a process to record the URL of every module it loads through the
 * ES module loader, one per line, into the file named by RECORD_MODULES_FILE. Used to check
 * that the compiled service loads no TypeScript compiler (tsx, typescript, esbuild).
 */
import { register } from 'node:module';

register(new URL('./record-modules-hooks.mjs', import.meta.url), { data: { file: process.env.RECORD_MODULES_FILE } });
