//! Files and directories pimdesk creates: as private as the store whatever
//! the umask (files 0600, directories 0700; 0660 and 0750 with the store's
//! group when `store.group` is set), and written under a temporary name
//! beside the target, renamed into place only once complete, so a failed
//! write (a full disk) leaves no partial file.

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

/// Who may read what pimdesk writes: the owner, or also the store's group.
#[derive(Debug, Clone, Copy, Default)]
pub struct Access<'a> {
    pub group: Option<&'a str>,
}

impl Access<'_> {
    pub fn file_mode(self) -> u32 {
        if self.group.is_some() {
            0o660
        } else {
            0o600
        }
    }

    pub fn dir_mode(self) -> u32 {
        if self.group.is_some() {
            0o750
        } else {
            0o700
        }
    }

    /// Gives a file pimdesk just created its mode (fchmod: the umask does
    /// not apply) and group.
    pub fn apply(self, file: &File) -> io::Result<()> {
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            file.set_permissions(std::fs::Permissions::from_mode(self.file_mode()))?;
            if let Some(g) = self.group {
                let gid = crate::platform::group_id(g)
                    .ok_or_else(|| io::Error::new(io::ErrorKind::NotFound, format!("no such group {g:?}")))?;
                std::os::unix::fs::fchown(file, None, Some(gid))?;
            }
        }
        Ok(())
    }

    /// Creates `dir` and its missing parents with the directory mode.
    pub fn create_dirs(self, dir: &Path) -> io::Result<()> {
        if dir.as_os_str().is_empty() || dir.is_dir() {
            return Ok(());
        }
        if let Some(parent) = dir.parent() {
            self.create_dirs(parent)?;
        }
        match std::fs::create_dir(dir) {
            Ok(()) => {}
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => return Ok(()),
            Err(e) => return Err(e),
        }
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(dir, std::fs::Permissions::from_mode(self.dir_mode()))?;
            if let Some(gid) = self.group.and_then(crate::platform::group_id) {
                std::os::unix::fs::chown(dir, None, Some(gid))?;
            }
        }
        Ok(())
    }

    /// Creates an empty file (and its directories) if none is there; true
    /// when this call made it, so only its maker removes it after a failure.
    pub fn create_empty(self, path: &Path) -> io::Result<bool> {
        if let Some(dir) = path.parent() {
            self.create_dirs(dir)?;
        }
        match create_new(path) {
            Ok(file) => self.apply(&file).map(|()| true),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => Ok(false),
            Err(e) => Err(e),
        }
    }

    /// Opens (creating with this access if new) a file to append to.
    pub fn append(self, path: &Path) -> io::Result<File> {
        let existed = path.exists();
        let file = std::fs::OpenOptions::new().create(true).append(true).open(path)?;
        if !existed {
            self.apply(&file)?;
        }
        Ok(file)
    }

    /// Writes `path` whole: into a private temporary file beside it, synced,
    /// then renamed over `path`. On failure the temporary file is removed
    /// and `path` is as it was.
    pub fn write_new(self, path: &Path, write: impl FnOnce(&mut dyn Write) -> io::Result<()>) -> io::Result<()> {
        let tmp = temp_name(path);
        let file = create_new(&tmp)?;
        let result = self.apply(&file).and_then(|()| {
            let mut out = BufWriter::new(file);
            write(&mut out)?;
            out.flush()?;
            out.get_ref().sync_all()
        });
        let result = result.and_then(|()| std::fs::rename(&tmp, path));
        if result.is_err() {
            let _ = std::fs::remove_file(&tmp);
        }
        result
    }
}

/// True when the error means the disk (or quota) is full.
pub fn is_disk_full(e: &io::Error) -> bool {
    e.kind() == io::ErrorKind::StorageFull || e.kind() == io::ErrorKind::QuotaExceeded
}

/// `dir/.name.tmp-PID` beside `path`: the same file system, so the rename is atomic.
pub fn temp_name(path: &Path) -> PathBuf {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    path.with_file_name(format!(".{name}.tmp-{}", std::process::id()))
}

fn create_new(path: &Path) -> io::Result<File> {
    let mut o = std::fs::OpenOptions::new();
    o.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut o, 0o600);
    o.open(path)
}
