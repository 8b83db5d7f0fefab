/**
 * Per-peer sync quotas: documents and bytes a peer may send this node (or be sent) per window.
 * A fixed window per peer, started by its first use; counted after the fact, so that one
 * response may end past the limit, and the next one is refused.
 */

export interface QuotaLimits {
  /** Documents per window. */
  documents: number
  /** Bytes per window. */
  bytes: number
  windowMs: number
}

export interface QuotaUse { documents: number, bytes: number }

export class PeerQuotas {
  private readonly limits: QuotaLimits
  private readonly now: () => number
  private readonly windows = new Map<string, QuotaUse & { since: number }>()

  constructor (limits: QuotaLimits, now: () => number = Date.now) {
    this.limits = limits
    this.now = now
  }

  private window (peerId: string): QuotaUse & { since: number } {
    const now = this.now()
    let window = this.windows.get(peerId)
    if (window == null || now - window.since >= this.limits.windowMs) {
      window = { since: now, documents: 0, bytes: 0 }
      this.windows.set(peerId, window)
    }
    return window
  }

  /** What the peer used in its current window. */
  used (peerId: string): QuotaUse {
    const { documents, bytes } = this.window(peerId)
    return { documents, bytes }
  }

  /** Whether `documents` more fit the peer's window (and its bytes are not used up). */
  allows (peerId: string, documents = 1): boolean {
    const window = this.window(peerId)
    return window.documents + documents <= this.limits.documents && window.bytes < this.limits.bytes
  }

  count (peerId: string, documents: number, bytes: number): void {
    const window = this.window(peerId)
    window.documents += documents
    window.bytes += bytes
  }

  /** Forgets the windows that are over. */
  sweep (): void {
    const now = this.now()
    for (const [peerId, window] of this.windows) if (now - window.since >= this.limits.windowMs) this.windows.delete(peerId)
  }
}
