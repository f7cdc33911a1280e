// Sizes as people read them in progress lines and step results.
export const mib = (bytes: number): string => `${(bytes / 2 ** 20).toFixed(1)} MiB`;
