/**
 * The validation queue: bounded, and fair between peers. Every announcement (gossip, with its
 * propagation source; sync, with the peer answering) is admitted under its peer before anything
 * is checked, waits for one of `concurrency` slots, and leaves. A peer has at most `perPeerQueued`
 * announcements admitted and `perPeer` of them running; all peers together at most `queued`
 * admitted. Past a cap, `admit` says no at once (the caller Ignores the announcement). Dropping a
 * peer (it disconnected, it is graylisted) aborts its running validations and refuses its waiting
 * ones, so that no work goes on for a peer that left.
 */

export interface QueueLimits {
  /** Validations running at once, all peers. */
  concurrency: number
  /** Validations of one peer running at once. */
  perPeer: number
  /** Announcements of one peer admitted (waiting or running). */
  perPeerQueued: number
  /** Announcements admitted, all peers. */
  queued: number
}

export interface QueueStats {
  /** Validations running. */
  running: number
  /** Announcements admitted (waiting or running). */
  queued: number
  /** Peers with announcements admitted. */
  peers: number
}

/** One admitted announcement: `run` its validation (once) and `leave` when done (always). */
export interface Ticket {
  /** Aborted when the peer is dropped or the queue closed. */
  readonly signal: AbortSignal
  /** Waits for a slot (rejects with the drop reason when the peer is dropped first), runs `task`. */
  run: <T>(task: (signal: AbortSignal) => Promise<T>) => Promise<T>
  leave: () => void
}

interface PeerState { admitted: number, running: number, controller: AbortController }
interface Waiter { peer: PeerState, start: () => void, fail: (reason: unknown) => void }

export class ValidationQueue {
  private readonly limits: QueueLimits
  private readonly peers = new Map<string, PeerState>()
  private readonly waiters: Waiter[] = []
  private admitted = 0
  private running = 0

  constructor (limits: QueueLimits) {
    this.limits = limits
  }

  stats (): QueueStats {
    return { running: this.running, queued: this.admitted, peers: this.peers.size }
  }

  /**
   * Admits an announcement of `peer`, or undefined when the peer or the queue is full. `force`
   * admits past the caps (a sync with this peer, which this node paces itself): it still waits
   * for a slot and still counts.
   */
  admit (peerId: string, force = false): Ticket | undefined {
    let peer = this.peers.get(peerId)
    if (!force && (this.admitted >= this.limits.queued || (peer?.admitted ?? 0) >= this.limits.perPeerQueued)) return undefined
    if (peer == null) {
      peer = { admitted: 0, running: 0, controller: new AbortController() }
      this.peers.set(peerId, peer)
    }
    const state = peer
    state.admitted++
    this.admitted++
    let left = false
    let ran = false
    const leave = (): void => {
      if (left) return
      left = true
      state.admitted--
      this.admitted--
      if (state.admitted === 0 && this.peers.get(peerId) === state) this.peers.delete(peerId)
    }
    const run = async <T>(task: (signal: AbortSignal) => Promise<T>): Promise<T> => {
      if (ran || left) throw new Error('a ticket runs once, before it leaves')
      ran = true
      await this.slot(state)
      try {
        return await task(state.controller.signal)
      } finally {
        state.running--
        this.running--
        this.next()
      }
    }
    return { signal: state.controller.signal, run, leave }
  }

  /** Aborts the running validations of a peer and refuses its waiting ones. */
  drop (peerId: string, reason: unknown): void {
    const peer = this.peers.get(peerId)
    if (peer == null) return
    // Its tickets keep counting until they leave; a new admission starts a new state.
    this.peers.delete(peerId)
    peer.controller.abort(reason)
    for (let i = this.waiters.length - 1; i >= 0; i--) {
      const waiter = this.waiters[i] as Waiter
      if (waiter.peer === peer) { this.waiters.splice(i, 1); waiter.fail(reason) }
    }
  }

  /** The peers with announcements admitted. */
  peerIds (): string[] {
    return [...this.peers.keys()]
  }

  /** Drops every peer (the node stops). */
  close (reason: unknown): void {
    for (const peerId of this.peerIds()) this.drop(peerId, reason)
  }

  private eligible (peer: PeerState): boolean {
    return this.running < this.limits.concurrency && peer.running < this.limits.perPeer && !peer.controller.signal.aborted
  }

  private async slot (peer: PeerState): Promise<void> {
    if (peer.controller.signal.aborted) throw peer.controller.signal.reason
    if (this.eligible(peer) && !this.waiters.some((w) => w.peer === peer)) {
      peer.running++
      this.running++
      return
    }
    await new Promise<void>((resolve, reject) => {
      this.waiters.push({ peer, start: resolve, fail: reject })
    })
  }

  /** Starts the first waiters (in order of arrival) whose peers have a slot free. */
  private next (): void {
    for (let i = 0; i < this.waiters.length && this.running < this.limits.concurrency;) {
      const waiter = this.waiters[i] as Waiter
      if (!this.eligible(waiter.peer)) { i++; continue }
      this.waiters.splice(i, 1)
      waiter.peer.running++
      this.running++
      waiter.start()
    }
  }
}
