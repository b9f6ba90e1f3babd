//! The one home of platform-specific code. failsim builds and gives identical results on
//! Linux, macOS and Windows; what differs here is only performance hints, each a no-op
//! elsewhere, whether a process is still running (for removing a crashed run's temporary
//! directory), unknown elsewhere, and, on Linux, what the binary does at start in place of
//! Rust's own start-up (`start_process`). `scripts/check-platform-deps.sh` (run by `.ci/run`) checks that a crate
//! declared for some platforms only (`libc`) is used nowhere but here.

/// Asks the kernel to back a large array with transparent huge pages (Linux, where THP is
/// in `madvise` mode; see the kernel's `Documentation/admin-guide/mm/transhuge.rst`). A
/// million users are 128 MiB visited in random order: with 4 KiB pages nearly every user
/// event also misses the TLB. Purely a performance hint; results do not depend on it. Call
/// it before the array is first written. Elsewhere it does nothing.
pub fn advise_huge_pages<T>(v: &Vec<T>) {
    #[cfg(target_os = "linux")]
    {
        const HUGE: usize = 2 << 20;
        let start = v.as_ptr() as usize;
        let end = start + v.capacity() * std::mem::size_of::<T>();
        let aligned = start.div_ceil(HUGE) * HUGE;
        if end > aligned + HUGE {
            let len = (end - aligned) / HUGE * HUGE;
            // SAFETY: madvise only advises on a range inside the vector's own allocation and
            // changes no memory contents; a failure is harmless and ignored.
            unsafe {
                libc::madvise(aligned as *mut libc::c_void, len, libc::MADV_HUGEPAGE);
            }
        }
    }
    #[cfg(not(target_os = "linux"))]
    let _ = v;
}

mod arena;
pub use arena::Arena;

/// Advises the kernel to back `len` bytes from `start`, inside one allocation of the
/// caller's, with transparent huge pages (Linux; elsewhere nothing). Only the whole huge pages
/// inside the range are advised. A hint: it changes no memory contents, and a failure is
/// harmless.
fn advise_huge_region(start: usize, len: usize) {
    #[cfg(target_os = "linux")]
    {
        const HUGE: usize = 2 << 20;
        let aligned = start.div_ceil(HUGE) * HUGE;
        let end = start + len;
        if end >= aligned + HUGE {
            let span = (end - aligned) / HUGE * HUGE;
            // SAFETY: madvise on whole pages inside the caller's allocation; it changes no
            // contents, and a failure is ignored.
            unsafe {
                libc::madvise(aligned as *mut libc::c_void, span, libc::MADV_HUGEPAGE);
            }
        }
    }
    #[cfg(not(target_os = "linux"))]
    let _ = (start, len);
}

/// A zeroed byte buffer laid on transparent huge pages where Linux has them: the region is
/// 2 MiB aligned and advised `MADV_HUGEPAGE` before it is first written, so a 3.8 MB chart
/// image costs two page faults instead of some 940 (in a virtual machine each fault is
/// microseconds of kernel time; the README's main command drew three). Elsewhere a plain
/// zeroed allocation.
pub struct ZeroedPages {
    /// Owns the allocation; its length stays 0 (the bytes used are in its spare capacity,
    /// from `start`), and it never grows.
    storage: Vec<u8>,
    start: usize,
    len: usize,
}

impl ZeroedPages {
    /// `len` zero bytes.
    pub fn new(len: usize) -> ZeroedPages {
        #[cfg(target_os = "linux")]
        const ALIGN: usize = 2 << 20;
        #[cfg(not(target_os = "linux"))]
        const ALIGN: usize = 1;
        let span = len.div_ceil(ALIGN) * ALIGN;
        let mut storage: Vec<u8> = Vec::with_capacity(span + ALIGN);
        let addr = storage.as_ptr() as usize;
        let start = addr.next_multiple_of(ALIGN) - addr;
        #[cfg(target_os = "linux")]
        if span > 0 {
            // SAFETY: advises on `span` bytes from `addr + start`, inside the allocation
            // (start < ALIGN, start + span <= capacity); it changes no contents, and a failure
            // is harmless.
            unsafe {
                libc::madvise(
                    (addr + start) as *mut libc::c_void,
                    span,
                    libc::MADV_HUGEPAGE,
                );
            }
        }
        storage.spare_capacity_mut()[start..start + len].fill(std::mem::MaybeUninit::new(0));
        ZeroedPages {
            storage,
            start,
            len,
        }
    }
}

impl std::ops::Deref for ZeroedPages {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        // SAFETY: `start..start + len` lies inside the allocation, which never moves (the
        // vector never grows), and was initialised to zeros in `new`.
        unsafe { std::slice::from_raw_parts(self.storage.as_ptr().add(self.start), self.len) }
    }
}

impl std::ops::DerefMut for ZeroedPages {
    fn deref_mut(&mut self) -> &mut [u8] {
        // SAFETY: as in `deref`; `&mut self` makes this the only reference.
        unsafe {
            std::slice::from_raw_parts_mut(self.storage.as_mut_ptr().add(self.start), self.len)
        }
    }
}

/// Asks the CPU to start loading the cache line holding `*p`, so that a later access finds it
/// in cache (x86-64 `prefetcht0`; a prefetch never faults and changes no memory). The event
/// loop calls it for the users of events due within a few milliseconds: with a million users
/// each user event otherwise waits for main memory. Purely a performance hint; elsewhere it
/// does nothing.
#[inline(always)]
pub fn prefetch<T>(p: &T) {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: `prefetcht0` only hints the cache; it reads nothing architecturally and cannot
    // fault, and `p` is a valid reference anyway.
    unsafe {
        use std::arch::x86_64::{_mm_prefetch, _MM_HINT_T0};
        _mm_prefetch::<_MM_HINT_T0>((p as *const T).cast::<i8>());
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = p;
}

/// Gives the memory of `v[..upto]` back to the operating system (Linux: `MADV_DONTNEED` on
/// the whole pages inside it), for an array read once, front to back, while its replacement
/// grows: at ten million users the users (1.3 GB) and their records (1.2 GB) need not both be
/// resident. The elements become all-zero bytes, so `T` must be plain data for which zero is
/// a valid value, and the caller must not read them again. Elsewhere it does nothing.
pub fn release_prefix<T: Copy>(v: &mut [T], upto: usize) {
    #[cfg(target_os = "linux")]
    {
        const PAGE: usize = 4096;
        let upto = upto.min(v.len());
        let start = v.as_mut_ptr() as usize;
        let end = start + upto * std::mem::size_of::<T>();
        let first = start.div_ceil(PAGE) * PAGE;
        let last = end / PAGE * PAGE;
        if last > first {
            // SAFETY: the range lies inside `v`, which we borrow exclusively; the kernel
            // replaces its pages with zero-filled ones, a valid value of the plain-data `T`
            // (the callers' types have no niches that zero would break), and no memory
            // outside `v` is touched. A failure is harmless and ignored.
            unsafe {
                libc::madvise(
                    first as *mut libc::c_void,
                    last - first,
                    libc::MADV_DONTNEED,
                );
            }
        }
    }
    #[cfg(not(target_os = "linux"))]
    let _ = (v, upto);
}

/// What Rust's runtime does before `main` on Unix that the `failsim` binary still needs
/// when Linux enters it without that runtime (`#![no_main]`, see `src/main.rs`):
/// - the standard descriptors 0, 1 and 2 are made valid, on `/dev/null` where one was
///   closed, so that no file the run opens takes descriptor 1 and receives the story;
/// - `SIGPIPE` is ignored, so a write to a closed pipe fails with `EPIPE` (reported, or
///   quiet for `| head`) instead of killing the process.
///
/// The runtime's other step, a handler that names a stack overflow, is left out: an
/// overflow still stops the process (`SIGSEGV`), without the message. Call it first thing.
#[cfg(target_os = "linux")]
pub fn start_process() {
    for fd in 0..3 {
        // SAFETY: fcntl(F_GETFD) only asks about a descriptor; open and signal take valid
        // arguments (a NUL-terminated path, a signal and a disposition libc defines).
        unsafe {
            if libc::fcntl(fd, libc::F_GETFD) == -1
                && std::io::Error::last_os_error().raw_os_error() == Some(libc::EBADF)
            {
                let flags = if fd == 0 {
                    libc::O_RDONLY
                } else {
                    libc::O_WRONLY
                };
                libc::open(c"/dev/null".as_ptr(), flags);
            }
        }
    }
    // SAFETY: see above.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_IGN);
    }
}

/// Whether process `pid` is running: `Some` on Linux (from `/proc`), `None` (unknown)
/// elsewhere. A crashed or killed run's temporary directory is removed only when its
/// process is known to be gone.
pub fn process_alive(pid: u32) -> Option<bool> {
    #[cfg(target_os = "linux")]
    {
        Some(std::path::Path::new("/proc").join(pid.to_string()).exists())
    }
    #[cfg(not(target_os = "linux"))]
    {
        let _ = pid;
        None
    }
}

/// Memory available to a new process, in bytes: `MemAvailable` from `/proc/meminfo` on
/// Linux (the kernel's estimate of what can be allocated without swapping); `None`
/// (unknown) elsewhere, and then no run is refused for its memory.
pub fn available_memory_bytes() -> Option<u64> {
    #[cfg(target_os = "linux")]
    {
        // Room for the whole file up front: /proc files have no size, and reading one into
        // an empty string takes a read call per doubling of the buffer.
        let mut text = String::with_capacity(1 << 13);
        std::io::Read::read_to_string(&mut std::fs::File::open("/proc/meminfo").ok()?, &mut text)
            .ok()?;
        let line = text.lines().find(|l| l.starts_with("MemAvailable:"))?;
        let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
        Some(kib.saturating_mul(1024))
    }
    #[cfg(not(target_os = "linux"))]
    {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::ZeroedPages;

    #[test]
    fn zeroed_pages_are_zero_writable_and_on_linux_aligned_for_huge_pages() {
        for len in [0, 1, 4096, 3 * 1600 * 800, (2 << 20) + 7] {
            let mut pages = ZeroedPages::new(len);
            assert_eq!(pages.len(), len);
            assert!(pages.iter().all(|&b| b == 0));
            if len > 0 {
                pages[len - 1] = 7;
                pages[0] = 9;
                assert_eq!(
                    (pages[0], pages[len - 1]),
                    (9, if len == 1 { 9 } else { 7 })
                );
                #[cfg(target_os = "linux")]
                assert_eq!(pages.as_ptr() as usize % (2 << 20), 0);
            }
        }
    }
}
