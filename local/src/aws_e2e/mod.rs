//! `make aws-e2e`: the product's journeys walked in AWS mode, as people walk them, through the
//! gateway in front of the real bootstraps on moto with IAM enforced: tokens are moto's, sign-up
//! codes and invitations arrive as mails in moto's SES, CVs go through presigned URLs into moto's
//! S3, and every call a function makes is judged by its template statements on the way.
//!
//! [`walk`] holds the harness a journey uses: the API, the portals' Cognito calls (unsigned, as
//! an app client makes them, through the front), and the mail moto's SES holds.

mod journeys;
mod walk;
mod withheld;
