// A throwaway migrated database on the local stack's PostgreSQL for the schema-fuzzing tier (test/fuzz/run.sh):
// `tsx test/fuzz/database.ts create NAME` prints its URL on the last line; `drop NAME` removes it.
import { createMigratedDatabase, readStackEnv, withAdminClient } from '../../scripts/stack/local-stack.js';

const [command, name] = process.argv.slice(2);
const serverUrl = readStackEnv().DATABASE_URL;
if (!serverUrl || !name || !/^[a-z0-9_]+$/.test(name)) throw new Error('usage: database.ts create|drop NAME (the stack must be up)');
if (command === 'create') console.log(await createMigratedDatabase(serverUrl, name));
else if (command === 'drop') await withAdminClient(serverUrl, (admin) => admin.query(`drop database if exists ${admin.escapeIdentifier(name)} with (force)`));
else throw new Error(`unknown command ${command}`);
