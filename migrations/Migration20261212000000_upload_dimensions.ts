import { Migration } from '@mikro-orm/migrations';

/** An upload's image size, read from its header when a job first uses it: prices and estimates scale with it. */
export class Migration20261212000000_upload_dimensions extends Migration {
  override up(): void {
    this.addSql(`alter table uploads add column width integer, add column height integer;`);
  }

  override down(): void {
    this.addSql(`alter table uploads drop column width, drop column height;`);
  }
}
