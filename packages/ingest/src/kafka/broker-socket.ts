import { connect } from 'node:net';
import type { Socket } from 'node:net';

/** Room below which the socket reads into a scratch chunk (then copied on) rather than the response buffer. */
const MIN_READ = 1 << 16;

/** A Kafka network failure: the reconnect loop retries errors whose code starts with PLT_KFK (the client's convention). */
export function brokerError(message: string, cause?: unknown): Error {
  return Object.assign(new Error(message, { cause }), { code: 'PLT_KFK_NETWORK' });
}

/**
 * A plain TCP connection to one Kafka broker that sends one request at a time and reads each
 * response frame into one buffer kept between responses, so that fetching tens of megabytes
 * allocates nothing per read: the socket reads (`onread`) straight into that buffer past what it
 * holds (a scratch chunk, copied on, only when it has little room left). A response is valid
 * until the next request. Any failure closes the connection; the next request opens a new one.
 */
export class BrokerSocket {
  readonly #host: string;
  readonly #port: number;
  #socket: Socket | undefined;
  #connected: Promise<void> | undefined;
  #response = Buffer.allocUnsafeSlow(1 << 16);
  readonly #scratch = Buffer.allocUnsafeSlow(MIN_READ);
  #filled = 0;
  /** Size of the frame being read (after its 4-byte prefix), -1 before the prefix is in. */
  #frame = -1;
  #pending: { resolve: (b: Buffer) => void; reject: (e: Error) => void; timer: NodeJS.Timeout } | undefined;

  constructor(host: string, port: number) {
    this.#host = host;
    this.#port = port;
  }

  /** Sends `frame` and resolves with the response body (after the size prefix), or rejects after `timeoutMs`. */
  async request(frame: Buffer, timeoutMs: number): Promise<Buffer> {
    if (this.#pending) throw new Error('internal: one Kafka request at a time per broker socket');
    await this.#connect(timeoutMs);
    const socket = this.#socket!;
    this.#filled = 0;
    this.#frame = -1;
    return new Promise<Buffer>((resolve, reject) => {
      const timer = setTimeout(() => this.#fail(brokerError(`Kafka broker ${this.#host}:${this.#port} did not answer within ${timeoutMs} ms`)), timeoutMs);
      this.#pending = { resolve, reject, timer };
      socket.write(frame);
    });
  }

  close(): void {
    this.#socket?.destroy();
    this.#socket = undefined;
    this.#connected = undefined;
  }

  #connect(timeoutMs: number): Promise<void> {
    this.#connected ??= new Promise<void>((resolve, reject) => {
      const socket = connect({
        host: this.#host,
        port: this.#port,
        noDelay: true,
        onread: {
          // Asked again after every read, for where the next one goes.
          buffer: () => this.#readTarget(),
          callback: (n: number, b: Uint8Array) => {
            this.#onRead(b as Buffer, n);
            return true;
          },
        },
      });
      this.#socket = socket;
      const timer = setTimeout(() => socket.destroy(brokerError(`connecting to Kafka broker ${this.#host}:${this.#port} timed out after ${timeoutMs} ms`)), timeoutMs);
      socket.once('connect', () => {
        clearTimeout(timer);
        resolve();
      });
      socket.on('error', (e) => {
        clearTimeout(timer);
        const err = (e as { code?: string }).code?.startsWith('PLT_KFK') ? e : brokerError(`Kafka broker ${this.#host}:${this.#port}: ${e.message}`, e);
        if (this.#socket === socket) this.close();
        reject(err);
        this.#fail(err);
      });
      socket.on('close', () => {
        if (this.#socket === socket) this.close();
        this.#fail(brokerError(`Kafka broker ${this.#host}:${this.#port} closed the connection`));
      });
    });
    return this.#connected;
  }

  /** The response buffer past the bytes it holds, when it has room; the scratch chunk otherwise. */
  #readTarget(): Buffer {
    return this.#response.length - this.#filled >= MIN_READ ? this.#response.subarray(this.#filled) : this.#scratch;
  }

  #onRead(chunk: Buffer, n: number): void {
    if (!this.#pending) {
      // Nothing was asked: a broker never speaks first.
      this.#fail(brokerError(`Kafka broker ${this.#host}:${this.#port} sent ${n} bytes unasked`));
      this.close();
      return;
    }
    const need = this.#filled + n;
    // Read in place unless the read went to the scratch chunk, or to the room left after the last response (the next request starts over).
    if (chunk.buffer !== this.#response.buffer || chunk.byteOffset !== this.#response.byteOffset + this.#filled) {
      if (need > this.#response.length) {
        const bigger = Buffer.allocUnsafeSlow(Math.max(need, this.#frame + 4, this.#response.length * 2));
        this.#response.copy(bigger, 0, 0, this.#filled);
        this.#response = bigger;
      }
      chunk.copy(this.#response, this.#filled, 0, n);
    }
    this.#filled = need;
    if (this.#frame < 0 && this.#filled >= 4) {
      this.#frame = this.#response.readInt32BE(0);
      if (this.#frame + 4 > this.#response.length) {
        const bigger = Buffer.allocUnsafeSlow(this.#frame + 4);
        this.#response.copy(bigger, 0, 0, this.#filled);
        this.#response = bigger;
      }
    }
    if (this.#frame >= 0 && this.#filled >= this.#frame + 4) {
      if (this.#filled > this.#frame + 4) {
        this.#fail(brokerError(`Kafka broker ${this.#host}:${this.#port} sent more than one response`));
        this.close();
        return;
      }
      const p = this.#pending;
      this.#pending = undefined;
      clearTimeout(p.timer);
      p.resolve(this.#response.subarray(4, this.#frame + 4));
    }
  }

  #fail(e: Error): void {
    const p = this.#pending;
    if (!p) return;
    this.#pending = undefined;
    clearTimeout(p.timer);
    this.close();
    p.reject(e);
  }
}
