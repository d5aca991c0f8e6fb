import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { historyFromJson } from './history-json.js';

export const corpusDir = fileURLToPath(new URL('./histories', import.meta.url));

/** Every recorded history: histories/<label of the code that recorded it>/<workflow>/<scenario>.json. */
export function corpusFiles(): string[] {
  return readdirSync(corpusDir, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.json'))
    .sort();
}

/** Histories in replay order, each named by its file (shown in a failure). */
export function loadCorpus(files: string[]) {
  return files.map((file) => ({ workflowId: file, history: historyFromJson(JSON.parse(readFileSync(path.join(corpusDir, file), 'utf8'))) }));
}
