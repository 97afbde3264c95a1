/**
 * One delivery round: the batches that kafkajs hands to its workers together (one fetch, one
 * batch per source partition, processed concurrently) are delivered as one. A batch `enter`s the
 * round as soon as its worker starts it and `submit`s its events once decoded; the round closes
 * when every batch that entered has submitted (or left) and `settleMs` passed since the last one
 * entered. `deliver` then runs once for all of them, and every batch's `submit` settles with its
 * outcome, so each batch commits its own offset only after the whole round was delivered, and a
 * failed round fails every batch in it (kafkajs retries them; nothing is committed).
 */
export interface DeliveryRounds<T, R> {
  enter(): { submit(items: readonly T[]): Promise<R>; leave(): void };
}

export function createDeliveryRounds<T, R>(
  deliver: (items: T[]) => Promise<R>,
  options: { settleMs: number },
): DeliveryRounds<T, R> {
  interface Round {
    items: T[];
    pending: number;
    settled: boolean;
    closed: boolean;
    timer?: NodeJS.Timeout;
    outcome: Promise<R>;
    resolve(value: R): void;
    reject(error: unknown): void;
  }
  let open: Round | undefined;

  const newRound = (): Round => {
    let resolve: (value: R) => void = () => undefined;
    let reject: (error: unknown) => void = () => undefined;
    const outcome = new Promise<R>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    // A round whose batches all left has nobody awaiting it; its failure must not go unhandled.
    outcome.catch(() => undefined);
    return { items: [], pending: 0, settled: false, closed: false, outcome, resolve, reject };
  };

  const closeIfReady = (round: Round) => {
    if (round.closed || !round.settled || round.pending > 0) return;
    round.closed = true;
    if (open === round) open = undefined;
    deliver(round.items).then(round.resolve, round.reject);
  };

  return {
    enter() {
      open ??= newRound();
      const round = open;
      round.pending++;
      round.settled = false;
      clearTimeout(round.timer);
      round.timer = setTimeout(() => {
        round.settled = true;
        closeIfReady(round);
      }, options.settleMs);
      let done = false;
      const finish = () => {
        if (done) throw new Error('a batch left its delivery round twice');
        done = true;
        round.pending--;
      };
      return {
        submit(items) {
          finish();
          round.items.push(...items);
          closeIfReady(round);
          return round.outcome;
        },
        leave() {
          finish();
          closeIfReady(round);
        },
      };
    },
  };
}
