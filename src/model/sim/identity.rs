//! Identity in the run: whether a login (or a re-authentication) in a Region can be served by
//! its directory — an AD Connector forwarding to an on-premises Active Directory over the
//! Region's VPN or Direct Connect link, or a managed directory — and, for SAML directories, by
//! the identity provider. AD Connector caches nothing in the cloud
//! (<https://docs.aws.amazon.com/directoryservice/latest/admin-guide/directory_ad_connector.html>),
//! so an unreachable on-premises directory fails new logins in every Region whose AD Connector
//! forwards to it: the case cross-Region failover cannot fix. Whether connected sessions
//! survive a directory outage is not documented; failsim keeps them (only logins and
//! re-authentications need the directory). A SAML session re-authenticates every
//! `saml_session` (AWS: 60 minutes when the IdP sends no `SessionDuration`,
//! <https://docs.aws.amazon.com/workspaces/latest/adminguide/setting-up-saml.html>).

use super::*;
use crate::scenario::{DirectoryKind, DirectoryTarget};

/// Identity faults in force (counts, so overlapping faults nest).
pub(super) struct IdentityFaults {
    directory: Vec<u32>,
    on_premises: Vec<u32>,
    link: Vec<u32>,
    idp: u32,
}

impl IdentityFaults {
    pub(super) fn new(scenario: &Scenario) -> Self {
        IdentityFaults {
            directory: vec![0; scenario.directories.len()],
            on_premises: vec![0; scenario.on_premises.len()],
            link: vec![0; scenario.regions.len()],
            idp: 0,
        }
    }

    /// Starts (`+1`) or ends (`-1`) an identity fault.
    pub(super) fn apply(&mut self, action: &EventAction, delta: i32) {
        let slot = match *action {
            EventAction::DirectoryOutage {
                target: DirectoryTarget::Directory(d),
            } => &mut self.directory[d],
            EventAction::DirectoryOutage {
                target: DirectoryTarget::OnPremises(d),
            } => &mut self.on_premises[d],
            EventAction::NetworkOutage { region } => &mut self.link[region],
            EventAction::IdpOutage => &mut self.idp,
            _ => return,
        };
        *slot = slot
            .checked_add_signed(delta)
            .expect("identity faults nest");
    }
}

impl<R: Recorder> Sim<'_, R> {
    /// Whether a login in `region` can authenticate now. Regions without a `[[directory]]`
    /// always can.
    pub(super) fn identity_ok(&self, region: u8) -> bool {
        let Some(d) = self.scenario.directory_of(region as usize) else {
            return true;
        };
        let spec = &self.scenario.directories[d];
        let faults = &self.identity;
        if faults.directory[d] > 0 {
            return false;
        }
        if let DirectoryKind::AdConnector { on_premises } = spec.kind {
            if faults.on_premises[on_premises] > 0 || faults.link[region as usize] > 0 {
                return false;
            }
        }
        !(spec.saml_session_ms.is_some() && faults.idp > 0)
    }

    /// How often a session in `region` re-authenticates: the SAML session duration of the
    /// Region's directory when SAML is on, else the group's `reauth_every` (0 = never).
    pub(super) fn reauth_period(&self, u: usize, region: u8) -> u64 {
        self.scenario
            .directory_of(region as usize)
            .and_then(|d| self.scenario.directories[d].saml_session_ms)
            .unwrap_or(
                self.scenario.groups[self.users[u].group as usize]
                    .behaviour
                    .reauth_every_ms,
            )
    }
}
