import type { MigrationObject } from '@mikro-orm/core';
import { Migration20261126000000_initial } from './Migration20261126000000_initial.js';
import { Migration20261127100000_auth } from './Migration20261127100000_auth.js';
import { Migration20261201000000_billing } from './Migration20261201000000_billing.js';
import { Migration20261202000000_job_change_notify } from './Migration20261202000000_job_change_notify.js';
import { Migration20261210000000_billing_accounts } from './Migration20261210000000_billing_accounts.js';
import { Migration20261211000000_job_settlement } from './Migration20261211000000_job_settlement.js';
import { Migration20261212000000_upload_dimensions } from './Migration20261212000000_upload_dimensions.js';
import { Migration20261220000000_web_billing } from './Migration20261220000000_web_billing.js';
import { Migration20261220000100_identities } from './Migration20261220000100_identities.js';
import { Migration20261221000000_lifecycle } from './Migration20261221000000_lifecycle.js';
import { Migration20261230000000_account_change_notify } from './Migration20261230000000_account_change_notify.js';
import { Migration20270101000000_purchase_facts } from './Migration20270101000000_purchase_facts.js';
import { Migration20270102000000_identity_nonces } from './Migration20270102000000_identity_nonces.js';
import { Migration20270102000100_erased_objects_recheck } from './Migration20270102000100_erased_objects_recheck.js';
import { Migration20270103000000_inference_workers } from './Migration20270103000000_inference_workers.js';
import { Migration20270104000000_job_attempts } from './Migration20270104000000_job_attempts.js';

/**
 * Every migration, in order. Listed explicitly (not globbed from disk) so they load the same way under tsx,
 * vitest and a bundled build. A new migration is one file plus one line here.
 */
export const migrationsList: MigrationObject[] = [
  { name: 'Migration20261126000000_initial', class: Migration20261126000000_initial },
  { name: 'Migration20261127100000_auth', class: Migration20261127100000_auth },
  { name: 'Migration20261201000000_billing', class: Migration20261201000000_billing },
  { name: 'Migration20261202000000_job_change_notify', class: Migration20261202000000_job_change_notify },
  { name: 'Migration20261210000000_billing_accounts', class: Migration20261210000000_billing_accounts },
  { name: 'Migration20261211000000_job_settlement', class: Migration20261211000000_job_settlement },
  { name: 'Migration20261212000000_upload_dimensions', class: Migration20261212000000_upload_dimensions },
  { name: 'Migration20261220000000_web_billing', class: Migration20261220000000_web_billing },
  { name: 'Migration20261220000100_identities', class: Migration20261220000100_identities },
  { name: 'Migration20261221000000_lifecycle', class: Migration20261221000000_lifecycle },
  { name: 'Migration20261230000000_account_change_notify', class: Migration20261230000000_account_change_notify },
  { name: 'Migration20270101000000_purchase_facts', class: Migration20270101000000_purchase_facts },
  { name: 'Migration20270102000000_identity_nonces', class: Migration20270102000000_identity_nonces },
  { name: 'Migration20270102000100_erased_objects_recheck', class: Migration20270102000100_erased_objects_recheck },
  { name: 'Migration20270103000000_inference_workers', class: Migration20270103000000_inference_workers },
  { name: 'Migration20270104000000_job_attempts', class: Migration20270104000000_job_attempts },
];
