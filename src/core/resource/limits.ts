/**
 * Size limits on client values. They bound the memory and time one request
 * can cost; a value beyond them is `400 invalidValue`.
 */
export const RESOURCE_LIMITS: {
  /** Characters (UTF-16 code units) in one string, reference or binary value: 64 KiB. */
  readonly maxStringLength: number;
  /** Elements of one multi-valued attribute other than Group members. */
  readonly maxMultiValuedElements: number;
  /** Members of one Group. */
  readonly maxMembers: number;
} = Object.freeze({
  maxStringLength: 64 * 1024,
  maxMultiValuedElements: 10_000,
  maxMembers: 100_000,
});
