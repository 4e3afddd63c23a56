/**
 * The built-in prototypes a template attack would change (e.g. setting
 * `Object.prototype.length`), as comparable snapshots. vitest's toEqual cannot
 * compare descriptor maps of Array.prototype reliably, so entries are compared
 * with Object.is and the difference is reported by name.
 */
const WATCHED = { Object: Object.prototype, Array: Array.prototype, String: String.prototype, Function: Function.prototype, Number: Number.prototype } as const;

type Snapshot = Map<string, readonly unknown[]>;

const snapshotOf = (target: object): Snapshot =>
  new Map(
    Reflect.ownKeys(target).map((key) => {
      const d = Object.getOwnPropertyDescriptor(target, key)!;
      return [String(key), [d.value, d.get, d.set, d.writable, d.enumerable, d.configurable]] as const;
    }),
  );

/** Snapshots every watched prototype now; `changes()` lists what differs since, e.g. `['Object.prototype.length added']`. */
export const watchPrototypes = () => {
  const before = Object.entries(WATCHED).map(([name, proto]) => [name, snapshotOf(proto)] as const);
  return {
    changes: (): string[] =>
      before.flatMap(([name, snap]) => {
        const now = snapshotOf(WATCHED[name as keyof typeof WATCHED]);
        const out: string[] = [];
        for (const [key, entry] of now) {
          const old = snap.get(key);
          if (!old) out.push(`${name}.prototype.${key} added`);
          else if (!entry.every((v, i) => Object.is(v, old[i]))) out.push(`${name}.prototype.${key} changed`);
        }
        for (const key of snap.keys()) if (!now.has(key)) out.push(`${name}.prototype.${key} removed`);
        return out;
      }),
  };
};
