/** `UQAb…x9Yz`: enough of a TON address to recognise it; the whole one is copied. */
export const shortAddress = (address: string, keep = 4): string =>
  address.length <= keep * 2 + 1 ? address : `${address.slice(0, keep)}…${address.slice(-keep)}`;

/** Raw `wc:hex` addresses compare case-insensitively; user-friendly forms are not compared here. */
export const sameRawAddress = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase();
