/**
 * What a template can read of a value: only the own data of plain JSON values.
 * Property descriptors are read instead of properties, so no getter, method,
 * `toJSON` or inherited member (`__proto__`, `constructor`, `length`, `push`…)
 * is ever reached, let alone called.
 */

/** Stands for "no such member": different from a member whose value is null. */
export const MISSING: unique symbol = Symbol('missing');

const INDEX = /^(?:0|[1-9]\d{0,9})$/;

/** A plain object: made by a literal, JSON.parse or Object.create(null), not a class, Date or Map. */
export const isPlainObject = (value: unknown): value is Record<string, unknown> => {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === null || proto === Object.prototype;
};

/** Null, a boolean, a finite number, a string, an array or a plain object. */
export const isJsonLike = (value: unknown): boolean =>
  value === null ||
  typeof value === 'string' ||
  typeof value === 'boolean' ||
  (typeof value === 'number' && Number.isFinite(value)) ||
  Array.isArray(value) ||
  isPlainObject(value);

const ownData = (value: object, key: string): unknown => {
  const descriptor = Object.getOwnPropertyDescriptor(value, key);
  if (!descriptor || !('value' in descriptor)) return MISSING;
  return isJsonLike(descriptor.value) ? (descriptor.value as unknown) : MISSING;
};

/** `value[key]` when it is an own JSON member: an index of an array, a key of a plain object; nothing of anything else. */
export const member = (value: unknown, key: string): unknown => {
  // Even an own `__proto__` (JSON.parse makes one) is refused: no template needs it, and it reads like the real one.
  if (key === '__proto__') return MISSING;
  if (Array.isArray(value)) return INDEX.test(key) ? ownData(value, key) : MISSING;
  if (isPlainObject(value)) return ownData(value, key);
  return MISSING;
};

/** The JSON members of an array, in order (anything else reads as null, as JSON.stringify writes it). */
export const itemAt = (list: readonly unknown[], index: number): unknown => {
  const item = ownData(list, String(index));
  return item === MISSING ? null : item;
};

/** The own, enumerable string keys of a plain object whose values are JSON. */
export const jsonKeys = (value: Record<string, unknown>): string[] => Object.keys(value).filter((key) => ownData(value, key) !== MISSING);
