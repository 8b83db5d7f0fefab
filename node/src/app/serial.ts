/**
 * Tasks run one at a time per key, in the order they were queued; tasks of different keys run side
 * by side. A task that fails does not stop the ones queued after it. A key's entry is dropped once
 * its queue is empty, so the map holds only keys with work under way.
 */
export type KeyedQueue = <T>(key: string, task: () => Promise<T>) => Promise<T>

export function keyedQueue (): KeyedQueue {
  const tails = new Map<string, Promise<unknown>>()
  return async <T>(key: string, task: () => Promise<T>): Promise<T> => {
    const run = (tails.get(key) ?? Promise.resolve()).then(task, task)
    const tail = run.catch(() => {})
    tails.set(key, tail)
    void tail.then(() => { if (tails.get(key) === tail) tails.delete(key) })
    return await run
  }
}
