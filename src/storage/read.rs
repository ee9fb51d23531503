//! Every file the program reads (question banks, settings, stories, session
//! logs, loop records, the history cache, imported CSV) is opened here:
//! without blocking, checked to be a regular file, and read with a size cap.
//! A FIFO named like a log, a link to /dev/zero or an endless file is then an
//! error with a name, never a hang or a program that eats all memory.

use std::fs::{File, Metadata, OpenOptions};
use std::io::{self, Read};
use std::path::Path;

/// Caps for the kinds of file read; far above anything real.
pub const SETTINGS_LIMIT: u64 = 1 << 20;
pub const BANK_LIMIT: u64 = 16 << 20;
pub const STORIES_LIMIT: u64 = 32 << 20;
pub const RECORD_LIMIT: u64 = 1 << 20;
pub const IMPORT_LIMIT: u64 = 32 << 20;
/// A transcript: an hour of speech is about 10,000 words, some 800 kB.
pub const TRANSCRIPT_LIMIT: u64 = 16 << 20;
/// A recording: an hour of speech at the recorder's bitrate is about 11 MB.
pub const RECORDING_LIMIT: u64 = 64 << 20;

#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error("{0}")]
    Io(#[from] io::Error),
    #[error("it is {0}, not a regular file")]
    NotAFile(&'static str),
    #[error("it is larger than {} MiB, far more than stardrill ever writes", .0 >> 20)]
    TooBig(u64),
    #[error("it is not UTF-8 text")]
    NotText,
}

impl ReadError {
    pub fn is_not_found(&self) -> bool {
        matches!(self, Self::Io(e) if e.kind() == io::ErrorKind::NotFound)
    }
}

/// Opens `path` for reading without blocking (a FIFO would otherwise wait
/// for a writer forever) and checks it is a regular file.
pub fn open_regular(path: &Path) -> Result<(File, Metadata), ReadError> {
    let mut options = OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc_nonblock());
    }
    let file = options.open(path)?;
    let meta = file.metadata()?;
    if !meta.is_file() {
        return Err(ReadError::NotAFile(kind_of(&meta)));
    }
    Ok((file, meta))
}

/// Reads `file` into `buf`, at most `limit` bytes: bounded even when the
/// size it reported lied (a file that grows while read).
pub fn read_capped(
    file: File,
    meta: &Metadata,
    limit: u64,
    buf: &mut Vec<u8>,
) -> Result<(), ReadError> {
    if meta.len() > limit {
        return Err(ReadError::TooBig(limit));
    }
    buf.clear();
    buf.reserve(usize::try_from(meta.len()).unwrap_or(0));
    file.take(limit + 1).read_to_end(buf)?;
    if buf.len() as u64 > limit {
        return Err(ReadError::TooBig(limit));
    }
    Ok(())
}

/// The whole of `path` as bytes, checked and capped.
pub fn read_bytes(path: &Path, limit: u64) -> Result<Vec<u8>, ReadError> {
    let (file, meta) = open_regular(path)?;
    let mut buf = Vec::new();
    read_capped(file, &meta, limit, &mut buf)?;
    Ok(buf)
}

/// The whole of `path` as text, checked and capped.
pub fn read_text(path: &Path, limit: u64) -> Result<String, ReadError> {
    String::from_utf8(read_bytes(path, limit)?).map_err(|_| ReadError::NotText)
}

#[cfg(unix)]
fn libc_nonblock() -> i32 {
    rustix::fs::OFlags::NONBLOCK.bits() as i32
}

#[cfg(unix)]
fn kind_of(meta: &Metadata) -> &'static str {
    use std::os::unix::fs::FileTypeExt;
    let kind = meta.file_type();
    if kind.is_dir() {
        "a folder"
    } else if kind.is_fifo() {
        "a named pipe (FIFO)"
    } else if kind.is_char_device() {
        "a character device"
    } else if kind.is_block_device() {
        "a block device"
    } else if kind.is_socket() {
        "a socket"
    } else {
        "not a file"
    }
}

#[cfg(not(unix))]
fn kind_of(meta: &Metadata) -> &'static str {
    if meta.is_dir() {
        "a folder"
    } else {
        "not a file"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regular_files_read_and_others_are_named_not_waited_on() {
        let dir = tempfile::tempdir().expect("tempdir");
        let text = dir.path().join("a.toml");
        std::fs::write(&text, "x = 1\n").expect("write");
        assert_eq!(read_text(&text, 100).expect("read"), "x = 1\n");
        assert!(matches!(read_text(&text, 3), Err(ReadError::TooBig(3))));
        assert!(read_text(&dir.path().join("none"), 10).is_err_and(|e| e.is_not_found()));
        let err = read_text(dir.path(), 10).expect_err("a folder");
        assert_eq!(err.to_string(), "it is a folder, not a regular file");
        #[cfg(unix)]
        {
            let fifo = dir.path().join("pipe.toml");
            rustix::fs::mknodat(
                rustix::fs::CWD,
                &fifo,
                rustix::fs::FileType::Fifo,
                rustix::fs::Mode::from_raw_mode(0o600),
                0,
            )
            .expect("mkfifo");
            // Would block forever if opened for reading the usual way.
            let err = read_text(&fifo, 10).expect_err("a FIFO");
            assert!(err.to_string().contains("named pipe"), "{err}");
            let err = read_text(Path::new("/dev/zero"), 1 << 20).expect_err("a device");
            assert!(err.to_string().contains("character device"), "{err}");
        }
    }
}
