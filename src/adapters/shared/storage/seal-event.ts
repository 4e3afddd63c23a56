import { chainInput, eventHashInput, type HashedContent } from '../../../domain/index.js';
import { sha256 } from './sha256.js';

/** The hash and chain every event store records with an event (ADR 0008). */
export const sealEvent = (content: HashedContent, previousInStream: string, previousChain: string): { hash: string; chain: string } => {
  const hash = sha256(eventHashInput(content, previousInStream));
  return { hash, chain: sha256(chainInput(previousChain, hash)) };
};
