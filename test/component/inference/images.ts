/** Peak signal-to-noise ratio of two same-sized RGBA buffers, over RGB only, in dB. */
export function psnr(a: Buffer, b: Buffer): number {
  let squared = 0, count = 0;
  for (let i = 0; i < a.length; i++) {
    if (i % 4 === 3) continue;
    squared += (a[i]! - b[i]!) ** 2;
    count++;
  }
  return squared === 0 ? Infinity : 10 * Math.log10((255 * 255) / (squared / count));
}
