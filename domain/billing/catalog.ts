import { z } from 'zod';

/** What a store product is worth: a one-time credit pack, or credits for each paid subscription period. */
export const productSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('consumable'), credits: z.number().int().positive() }),
  z.object({ type: z.literal('subscription'), credits_per_period: z.number().int().positive() }),
]);
export const productCatalogSchema = z.record(z.string().min(1), productSchema);

export type Product = z.infer<typeof productSchema>;
export type ProductCatalog = z.infer<typeof productCatalogSchema>;
export type ProductKind = Product['type'];

/** Credits one transaction of the product is worth (a pack, or one subscription period). */
export function creditsFor(product: Product): number {
  return product.type === 'consumable' ? product.credits : product.credits_per_period;
}
