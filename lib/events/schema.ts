import * as z from 'zod';
import { stringIdProblem, type ExternalId } from '../data/external-id';
import type { RatingScale } from '../data/dataset';

/**
 * One interaction as POST /events takes it and as it is stored (one JSON object a line):
 * userId and movieId as numbers or strings like the rest of the API, an optional rating
 * (checked against the live model's scale) and event type, and `timestamp` in Unix
 * seconds (the time of receipt when absent).
 */
export const MAX_EVENTS_PER_CALL = 100;
/**
 * How far ahead of the time of receipt a timestamp may be (clock skew). It bounds where a
 * reader must look: an event newer than T is in an object received after T minus this.
 */
export const MAX_CLOCK_SKEW_SECONDS = 300;
export const MAX_EVENT_NAME = 32;

const Id = z.union([
  z.number().int().nonnegative().max(0x7fffffff),
  z.string().superRefine((s, ctx) => {
    const problem = stringIdProblem(s);
    if (problem) ctx.addIssue({ code: 'custom', message: `the id ${problem}` });
  }),
]);

export const EventSchema = z
  .object({
    userId: Id,
    movieId: Id,
    rating: z.number().finite().optional(),
    event: z
      .string()
      .min(1)
      .max(MAX_EVENT_NAME)
      .regex(/^[A-Za-z0-9_.-]+$/, 'an event type is a short name: letters, digits, _ . -')
      .optional(),
    timestamp: z.number().int().nonnegative().max(4102444800).optional(),
  })
  .strict();

export interface StoredEvent {
  userId: ExternalId;
  movieId: ExternalId;
  rating?: number;
  event?: string;
  /** Unix seconds. */
  timestamp: number;
}

/** A bad entry of a posted batch: which one and which field, for the 400. */
export class EventsInputError extends Error {
  override name = 'EventsInputError';
  constructor(
    message: string,
    readonly index?: number,
    readonly field?: string,
  ) {
    super(message);
  }
}

export interface ValidationContext {
  /** The live model's rating scale, when a model is live. */
  scale?: RatingScale;
  /** Unix seconds of receipt: the timestamp of events that give none. */
  now: number;
}

/** Validates a posted body: an array of 1..100 events; throws EventsInputError naming the first bad entry and field. */
export function validateEvents(body: unknown, ctx: ValidationContext): StoredEvent[] {
  if (!Array.isArray(body)) throw new EventsInputError('the body must be a JSON array of events [{userId, movieId, rating?, event?, timestamp?}]');
  if (body.length === 0) throw new EventsInputError('the body holds no events: post 1 to 100');
  if (body.length > MAX_EVENTS_PER_CALL) throw new EventsInputError(`at most ${MAX_EVENTS_PER_CALL} events per call, got ${body.length}`);
  return body.map((entry, index) => {
    const parsed = EventSchema.safeParse(entry);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      const field = issue.code === 'unrecognized_keys' ? issue.keys[0] : issue.path.map(String).join('.') || undefined;
      const what = issue.code === 'unrecognized_keys' ? `unknown field "${issue.keys.join('", "')}"` : issue.message;
      throw new EventsInputError(`events[${index}]${field ? `.${field}` : ''}: ${what}`, index, field);
    }
    const e = parsed.data;
    if (e.rating !== undefined && ctx.scale && (e.rating < ctx.scale.min || e.rating > ctx.scale.max)) {
      throw new EventsInputError(`events[${index}].rating: ${e.rating} is outside the model's scale ${ctx.scale.min}..${ctx.scale.max}`, index, 'rating');
    }
    if (e.timestamp !== undefined && e.timestamp > ctx.now + MAX_CLOCK_SKEW_SECONDS) {
      throw new EventsInputError(`events[${index}].timestamp: ${e.timestamp} is in the future (now is ${ctx.now})`, index, 'timestamp');
    }
    return {
      userId: e.userId,
      movieId: e.movieId,
      ...(e.rating !== undefined ? { rating: e.rating } : {}),
      ...(e.event !== undefined ? { event: e.event } : {}),
      timestamp: e.timestamp ?? ctx.now,
    };
  });
}

/** One stored line read back: the same schema with the timestamp required. */
export const StoredEventSchema = EventSchema.required({ timestamp: true });

export const toJsonLines = (events: readonly StoredEvent[]): string => events.map((e) => JSON.stringify(e)).join('\n') + '\n';
