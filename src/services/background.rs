//! Background threads yield to the window: on a 2-core workstation a prober sweep (or the demo simulator) and
//! the UI thread compete for the same cores, and the scheduler's time slices (several ms) would otherwise land
//! in the middle of a frame.

/// How much lower than the UI thread background work runs (a nice value; 10 gives the UI thread about ten times
/// the CPU share when both want it, and the background all of it when the UI is idle).
const BACKGROUND_NICE: i32 = 10;

/// Lowers the calling thread's CPU priority; threads it starts afterwards inherit it. Best effort: where the
/// system refuses, the thread runs as it was.
pub fn lower_this_thread_priority() {
    #[cfg(target_os = "linux")]
    {
        // On Linux each thread has its own nice value, and PRIO_PROCESS with id 0 means the calling thread.
        // SAFETY: getpriority/setpriority take plain integers and only affect this thread's scheduling.
        unsafe {
            *libc::__errno_location() = 0;
            let current = libc::getpriority(libc::PRIO_PROCESS, 0);
            let target = current.max(BACKGROUND_NICE);
            libc::setpriority(libc::PRIO_PROCESS, 0, target);
        }
    }
}

/// Gives the heap freed after a big passing read (a registry's rows, a filter's scratch) back to the system. The C
/// allocator keeps freed memory for reuse, spread over one arena per thread that allocated it, so a process that
/// once read 200,000 rows would otherwise stay that size for its life. Best effort; a no-op off glibc.
pub fn give_back_freed_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        // SAFETY: malloc_trim only returns unused pages of the allocator's own arenas to the system.
        unsafe {
            libc::malloc_trim(0);
        }
    }
}

/// Caps the C allocator at a few arenas for the process. By default glibc gives up to 8 per core to threads that
/// allocate at once, each keeping what its threads freed; the desk runs some 70 threads (filters, tiles, probes),
/// and their arenas held on to 100 MB and more of freed row copies. Call before the threads start.
pub fn limit_allocator_arenas() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        // SAFETY: mallopt only changes the allocator's tuning for arenas made from now on.
        unsafe {
            libc::mallopt(libc::M_ARENA_MAX, 2);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_background_thread_runs_at_a_lower_priority_than_its_parent() {
        let parent = unsafe { libc::getpriority(libc::PRIO_PROCESS, 0) };
        let (own, child) = std::thread::spawn(|| {
            lower_this_thread_priority();
            let own = unsafe { libc::getpriority(libc::PRIO_PROCESS, 0) };
            // A thread started from here inherits the lower priority.
            let child = std::thread::spawn(|| unsafe { libc::getpriority(libc::PRIO_PROCESS, 0) })
                .join()
                .unwrap();
            (own, child)
        })
        .join()
        .unwrap();
        assert_eq!(own, parent.max(BACKGROUND_NICE));
        assert_eq!(child, own);
        // The calling (UI) thread itself is untouched.
        assert_eq!(unsafe { libc::getpriority(libc::PRIO_PROCESS, 0) }, parent);
    }
}
