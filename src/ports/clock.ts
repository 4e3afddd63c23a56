/** Time is a port so that tests drive it and the domain never reads it. */
export interface Clock {
  now(): Date;
}
