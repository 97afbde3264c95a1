/**
 * The one way a command runs against an event-sourced stream (emmett's CommandHandler shape): fold
 * the stream's events with the decider's `evolve`, `decide`, append what was decided, and return the
 * new state. The store does the I/O; this file does none.
 */
export type Decision<Draft, Refusal> = { ok: true; events: Draft[] } | { ok: false; reason: Refusal };

export interface Decider<Command, Draft, Event, State, Refusal> {
  initialState: State;
  /** The stream a command acts on, e.g. the consent id. */
  streamOf(command: Command): string;
  decide(command: Command, state: State): Decision<Draft, Refusal>;
  evolve(state: State, event: Event): State;
}

export interface CommandStore<Draft, Event, Meta> {
  /** Every event of the stream, in log order, that this store knows of (including its own appends). */
  readStream(streamId: string): readonly Event[] | Promise<readonly Event[]>;
  /** Appends durably — resolves only once acknowledged — and returns the events as recorded. */
  appendToStream(streamId: string, drafts: readonly Draft[], meta: Meta): Promise<readonly Event[]>;
  /** Runs `work` while no other command on the same stream runs (in this process). */
  exclusive<T>(streamId: string, work: () => Promise<T>): Promise<T>;
}

export type CommandResult<Event, State, Refusal> =
  | { ok: true; state: State; events: readonly Event[] }
  | { ok: false; reason: Refusal; state: State };

/**
 * Guarantees: the decision is taken on the stream's latest known state and nothing else on that
 * stream runs between reading it and the append's acknowledgement, so two commands can never both
 * take the last of something (a consent's last use); a command that decides nothing appends nothing
 * (so a retried grant or revoke is a no-op); a refusal appends nothing and is returned as a value.
 */
export function handleCommand<Command, Draft, Event, State, Refusal, Meta>(
  store: CommandStore<Draft, Event, Meta>,
  decider: Decider<Command, Draft, Event, State, Refusal>,
  command: Command,
  meta: Meta,
): Promise<CommandResult<Event, State, Refusal>> {
  const streamId = decider.streamOf(command);
  return store.exclusive(streamId, async () => {
    const history = await store.readStream(streamId);
    const state = history.reduce<State>(
      (folded, event) => decider.evolve(folded, event),
      decider.initialState,
    );
    const decision = decider.decide(command, state);
    if (!decision.ok) return { ok: false, reason: decision.reason, state };
    const events =
      decision.events.length === 0 ? [] : await store.appendToStream(streamId, decision.events, meta);
    const next = events.reduce<State>((folded, event) => decider.evolve(folded, event), state);
    return { ok: true, state: next, events };
  });
}
