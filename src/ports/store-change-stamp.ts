/**
 * A number that changes whenever anything is committed to the store, by this
 * process or another (ADR 0022). Reading it costs about one indexed read, so
 * callers share one reading among the requests that arrived before it.
 */
export interface StoreChangeStamp {
  read(): number;
  /** Writes made through this process's own connection so far: costs no store read (checked on every use of a reading). */
  local(): number;
}
