// The wire log of one run: every logged request of every program instance in one order, with its
// response attached, plus faults armed on what the log sees. A fault is armed with a predicate
// over events and fires on the first response that matches while the work is in flight (before
// the program hears back), so the program cannot choose or dodge the moment.
import type { Message } from '../kafka/protocol/codec.ts';
import type { ResponseAction, WireTap } from './relay.ts';
import { MAX_WIRE_EVENTS, type WireEvent, type WirePolicy } from './wire.ts';

/** What a fault does when its trigger matches. */
export type WireFaultKind = 'lose-response' | 'kill' | 'pause';

/** A fault waiting for its moment. */
export interface WireFault {
  kind: WireFaultKind;
  /** True for the response (or, for an acks=0 Produce, the request) at which the fault fires. */
  when(event: WireEvent, log: WireLog): boolean;
  /** Only these instances (default: any). */
  instances?: number[];
  /** Give up after this long (resolves null). */
  timeoutMs?: number;
}

/** The event a fault fired on. */
export interface WireFaultHit {
  event: WireEvent;
  atMs: number;
}

/** How the log reaches a program instance to kill or pause it. */
export interface InstanceActions {
  kill(): Promise<void>;
  pause(): Promise<void>;
}

export interface WireLog {
  readonly events: readonly WireEvent[];
  /** True when more than MAX_WIRE_EVENTS events came (later ones were not kept). */
  readonly overflowed: boolean;
  /** The tap for one instance's relay. */
  tapFor(instance: number, actions: InstanceActions): WireTap;
  /** Arms a fault; resolves with the event it fired on, or null on timeout or disarm. */
  arm(fault: WireFault): Promise<WireFaultHit | null>;
  /** Disarms every pending fault (they resolve null). */
  disarmAll(): void;
  /** Topic ids (hex) → names, for requests that name topics by id. */
  topicIds: Map<string, string>;
}

interface Armed extends WireFault {
  resolve(hit: WireFaultHit | null): void;
  timer?: NodeJS.Timeout;
}

/** Creates the log; `policy` is shared by every instance (groups and allowed APIs of the lab). */
export function createWireLog(policy: Omit<WirePolicy, 'topicIds'>, started = Date.now()): WireLog {
  const events: WireEvent[] = [];
  const topicIds = new Map<string, string>();
  const fullPolicy: WirePolicy = { ...policy, topicIds };
  let seq = 0;
  let overflowed = false;
  const armed = new Set<Armed>();

  const take = (event: WireEvent, instance: number): Armed | undefined => {
    for (const a of armed) {
      if (a.instances && !a.instances.includes(instance)) continue;
      let match = false;
      try {
        match = a.when(event, log);
      } catch {
        match = false;
      }
      if (!match) continue;
      armed.delete(a);
      clearTimeout(a.timer);
      return a;
    }
    return undefined;
  };

  const log: WireLog = {
    events,
    get overflowed() {
      return overflowed;
    },
    topicIds,
    tapFor(instance, actions) {
      return {
        policy: fullPolicy,
        request(conn, partial) {
          const event = { ...partial, seq: ++seq, atMs: Date.now() - started, instance, conn } as WireEvent;
          if (events.length < MAX_WIRE_EVENTS) events.push(event);
          else overflowed = true;
          // An acks=0 Produce has no response to lose: a lose-response fault drops the request itself.
          if (event.type === 'produce' && event.acks === 0) {
            const a = take(event, instance);
            if (a) {
              a.resolve({ event, atMs: event.atMs });
              if (a.kind === 'lose-response') return { event, dropRequest: true };
            }
          }
          return { event };
        },
        response(event, body: Message | null, errorCode) {
          const atMs = Date.now() - started;
          event.response = { seq: ++seq, atMs, errorCode, delivered: true, body: body ?? {} };
          const a = take(event, instance);
          if (!a) return { deliver: true };
          a.resolve({ event, atMs });
          const action: ResponseAction =
            a.kind === 'lose-response' ? { deliver: false }
              : a.kind === 'kill' ? { deliver: false, before: actions.kill }
                : { deliver: true, before: actions.pause };
          event.response.delivered = action.deliver;
          return action;
        },
      };
    },
    arm(fault) {
      return new Promise((resolve) => {
        const a: Armed = { ...fault, resolve };
        if (fault.timeoutMs !== undefined) {
          a.timer = setTimeout(() => {
            armed.delete(a);
            resolve(null);
          }, fault.timeoutMs);
        }
        armed.add(a);
      });
    },
    disarmAll() {
      for (const a of armed) {
        clearTimeout(a.timer);
        a.resolve(null);
      }
      armed.clear();
    },
  };
  return log;
}

/** A tap for programs run outside grading (tests, probes): admin mutations refused, any group allowed, nothing kept. */
export function defaultTap(): WireTap {
  const log = createWireLog({ groups: ['*'] });
  const noop = async () => {};
  const tap = log.tapFor(0, { kill: noop, pause: noop });
  return {
    ...tap,
    request: (conn, e) => {
      const r = tap.request(conn, e);
      (log.events as WireEvent[]).length = 0;
      return r;
    },
  };
}
