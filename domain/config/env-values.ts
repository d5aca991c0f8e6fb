import { z } from 'zod';

/** A duration in the environment, e.g. `90s`, `15m`, `1h`, `1d`; parsed to milliseconds. */
export const durationMs = z
  .string()
  .regex(/^\d+(ms|s|m|h|d)$/, 'a duration like 90s, 15m, 1h or 1d')
  .transform((value) => {
    const [, amount, unit] = /^(\d+)(ms|s|m|h|d)$/.exec(value) ?? [];
    const scale = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 }[unit as 'ms' | 's' | 'm' | 'h' | 'd'];
    return Number(amount) * scale;
  });

/** `true` or `false` in the environment; parsed to a boolean. */
export const bool = z.enum(['true', 'false']).transform((value) => value === 'true');

/** PEM keys travel in one-line env values with literal `\n`; restore the line breaks. */
export const pem = z.string().min(1).transform((value) => value.replace(/\\n/g, '\n'));

/** A comma-separated list in the environment; blanks dropped. */
export const csv = z
  .string()
  .transform((value) => value.split(',').map((item) => item.trim()).filter(Boolean));
