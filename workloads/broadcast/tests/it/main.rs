//! Broadcast nodes tested from outside: whole clusters of node states on simulated time
//! (message counts, spread latency, partitions), and one real node driven through the
//! runtime's in-memory transport.

mod cluster;
mod efficiency;
mod node;
