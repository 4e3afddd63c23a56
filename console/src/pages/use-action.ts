import { useState } from 'preact/hooks';

/**
 * Runs a user's action: clears the last failure, then shows what the action returns as a
 * notice and calls `after` (reload what it changed), or shows why it failed.
 */
export const useAction = (after: () => void) => {
  const [notice, setNotice] = useState<string>();
  const [failure, setFailure] = useState<string>();
  const run = async (action: () => Promise<string>): Promise<void> => {
    setFailure(undefined);
    try {
      setNotice(await action());
      after();
    } catch (e) {
      setFailure((e as Error).message);
    }
  };
  return { notice, failure, run, fail: setFailure };
};
