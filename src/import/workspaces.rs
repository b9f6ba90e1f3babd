//! `aws workspaces describe-connection-aliases`, `describe-workspace-directories` and
//! `describe-workspaces` output (WorkSpaces API reference: `ConnectionAlias`,
//! `WorkspaceDirectory`, `Workspace`,
//! <https://docs.aws.amazon.com/workspaces/latest/api/API_ConnectionAlias.html>). These are
//! regional APIs whose output names no Region: each file is passed as `REGION=PATH`.

//! Field docs are omitted on purpose: each field is the AWS field of the same name.
#![allow(missing_docs)]

use serde::Deserialize;

/// `describe-connection-aliases`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Aliases {
    pub connection_aliases: Vec<ConnectionAlias>,
}

/// One `ConnectionAlias` (the alias object of one Region).
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(rename_all = "PascalCase")]
pub struct ConnectionAlias {
    pub connection_string: String,
    pub alias_id: Option<String>,
    pub owner_account_id: Option<String>,
    #[serde(default)]
    pub associations: Vec<Association>,
}

/// One `ConnectionAliasAssociation`.
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(rename_all = "PascalCase")]
pub struct Association {
    pub association_status: Option<String>,
    pub associated_account_id: Option<String>,
    pub resource_id: Option<String>,
    pub connection_identifier: Option<String>,
}

/// `describe-workspace-directories`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Directories {
    pub directories: Vec<Directory>,
}

/// One `WorkspaceDirectory`.
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(rename_all = "PascalCase")]
pub struct Directory {
    pub directory_id: String,
    pub directory_name: Option<String>,
    pub directory_type: Option<String>,
    pub state: Option<String>,
}

/// `describe-workspaces`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Workspaces {
    pub workspaces: Vec<Workspace>,
}

/// One `Workspace`.
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(rename_all = "PascalCase")]
pub struct Workspace {
    pub workspace_id: String,
    pub directory_id: String,
    pub user_name: String,
    pub state: Option<String>,
    pub workspace_properties: Option<WorkspaceProperties>,
}

/// `WorkspaceProperties`: only the running mode is read.
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(rename_all = "PascalCase")]
pub struct WorkspaceProperties {
    pub running_mode: Option<String>,
}
