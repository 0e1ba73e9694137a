//! Broadcast nodes tested from outside: whole clusters on the explorer's virtual clock
//! (message counts, latency, partitions), and one real node driven through the runtime's
//! in-memory transport.

mod efficiency;
mod node;
