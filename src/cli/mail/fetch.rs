//! `mail fetch`: the `[mail.imap]` folder, each message processed once and
//! moved to `done_folder` only after the store committed it (a crash in
//! between fetches it again, and its Message-ID makes that harmless).

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::sync::Arc;
use std::time::Duration;

use super::{take, Ctx, NotTaken};
use crate::cli::output::{errln, outln};
use crate::config::ServerConfig;

/// A connection to the server, encrypted or (loopback only) not.
trait Stream: Read + Write + Send {}
impl<T: Read + Write + Send> Stream for T {}

type Session = imap::Session<Box<dyn Stream>>;

/// What one pass did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub(super) struct Fetched {
    pub taken: usize,
    pub later: usize,
}

/// One pass over the folder: each message into the store, then moved.
pub(super) fn pass(ctx: &Ctx) -> anyhow::Result<Fetched> {
    let imap = &ctx.config.mail.imap;
    let folder = imap.folder.as_deref().unwrap_or("INBOX");
    let done = imap.done_folder.as_deref().unwrap_or("pimdesk/done");
    let mut session = connect(imap)?;
    // Dovecot and most servers answer NO when it exists already.
    if let Err(e) = session.create(done) {
        tracing::debug!("create {done}: {e}");
    }
    session.select(folder)?;
    let mut uids: Vec<u32> = session.uid_search("ALL")?.into_iter().collect();
    uids.sort_unstable();
    let mut conn = ctx.open_file()?;
    let mut seen = Fetched::default();
    for uid in uids {
        let fetches = session.uid_fetch(uid.to_string(), "BODY.PEEK[]")?;
        let Some(raw) = fetches.iter().find_map(|f| f.body().map(<[u8]>::to_vec)) else {
            continue;
        };
        match take(ctx, &mut conn, &raw) {
            Ok((d, id)) => outln!("{}", super::delivered(&d, &id)),
            Err(NotTaken::Unreadable(e)) => errln!("IMAP message {uid} in {folder}: {e}; moved to {done} untaken"),
            Err(NotTaken::Later(e)) => {
                errln!("IMAP message {uid} in {folder} not taken: {e}; it stays for the next round");
                seen.later += 1;
                break;
            }
        }
        move_done(&mut session, uid, done)?;
        seen.taken += 1;
    }
    let _ = session.logout();
    Ok(seen)
}

/// Moves a processed message (MOVE, or COPY, \Deleted and EXPUNGE where the
/// server has no MOVE).
fn move_done(session: &mut Session, uid: u32, done: &str) -> imap::Result<()> {
    let uid = uid.to_string();
    if session.uid_mv(&uid, done).is_ok() {
        return Ok(());
    }
    session.uid_copy(&uid, done)?;
    session.uid_store(&uid, "+FLAGS.SILENT (\\Deleted)")?;
    session.uid_expunge(&uid)?;
    Ok(())
}

fn connect(s: &ServerConfig) -> anyhow::Result<Session> {
    let tcp = TcpStream::connect((s.host.as_str(), s.port))
        .map_err(|e| anyhow::anyhow!("cannot reach the IMAP server {}:{}: {e}", s.host, s.port))?;
    tcp.set_read_timeout(Some(Duration::from_secs(60)))?;
    tcp.set_write_timeout(Some(Duration::from_secs(60)))?;
    let stream: Box<dyn Stream> = match s.security.as_str() {
        "tls" => Box::new(tls(s, tcp)?),
        "starttls" => Box::new(tls(s, starttls(tcp)?)?),
        // Config refuses "none" for any host but this machine.
        _ => Box::new(tcp),
    };
    let mut client = imap::Client::new(stream);
    if s.security != "starttls" {
        client.read_greeting()?;
    }
    let password = if s.password_file.is_empty() {
        String::new()
    } else {
        s.password()
            .map_err(|e| anyhow::anyhow!("cannot read mail.imap.password_file {}: {e}", s.password_file))?
    };
    client
        .login(&s.user, &password)
        .map_err(|(e, _)| anyhow::anyhow!("the IMAP server refused the login of {:?}: {e}", s.user))
}

/// The STARTTLS exchange on a plain connection, before TLS takes it over.
fn starttls(mut tcp: TcpStream) -> anyhow::Result<TcpStream> {
    let mut reader = BufReader::new(tcp.try_clone()?);
    let mut line = String::new();
    reader.read_line(&mut line)?;
    tcp.write_all(b"a0 STARTTLS\r\n")?;
    loop {
        line.clear();
        if reader.read_line(&mut line)? == 0 {
            anyhow::bail!("the IMAP server closed the connection at STARTTLS");
        }
        if let Some(rest) = line.strip_prefix("a0 ") {
            anyhow::ensure!(
                rest.starts_with("OK"),
                "the IMAP server refused STARTTLS: {}",
                rest.trim()
            );
            return Ok(tcp);
        }
    }
}

/// TLS over `tcp`, the server checked against the webpki roots and the
/// certificates of `ca_file`.
fn tls(s: &ServerConfig, tcp: TcpStream) -> anyhow::Result<rustls::StreamOwned<rustls::ClientConnection, TcpStream>> {
    use rustls::pki_types::{pem::PemObject, CertificateDer};
    let host = s.host.as_str();
    let mut roots = rustls::RootCertStore::empty();
    roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
    if let Some(pem) = s
        .ca_certificates()
        .map_err(|e| anyhow::anyhow!("mail.imap.ca_file: {e}"))?
    {
        for cert in CertificateDer::pem_slice_iter(&pem) {
            roots.add(cert?)?;
        }
    }
    let config = rustls::ClientConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
        .with_safe_default_protocol_versions()?
        .with_root_certificates(roots)
        .with_no_client_auth();
    let name = rustls::pki_types::ServerName::try_from(host.to_string())?;
    let conn = rustls::ClientConnection::new(Arc::new(config), name)?;
    Ok(rustls::StreamOwned::new(conn, tcp))
}
