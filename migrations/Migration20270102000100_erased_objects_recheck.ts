import { Migration } from '@mikro-orm/migrations';

/**
 * The retention sweep empties an erased account's S3 prefixes once more, after any inference attempt still
 * running at its deletion has ended: `objects_rechecked_at` records that it did.
 */
export class Migration20270102000100_erased_objects_recheck extends Migration {
  override up(): void {
    this.addSql(`alter table users add column objects_rechecked_at timestamptz;`);
    this.addSql(`create index users_erased_unrechecked on users (erased_at) where erased_at is not null and objects_rechecked_at is null;`);
  }

  override down(): void {
    this.addSql(`drop index if exists users_erased_unrechecked;`);
    this.addSql(`alter table users drop column if exists objects_rechecked_at;`);
  }
}
