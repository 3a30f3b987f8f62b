//! AWS mode: the product in the shape it is deployed, made from `template.yaml` alone on the
//! local AWS emulator (`moto_server`), so what is deployed is what runs here.
//!
//! - [`template`]: the one reader of `template.yaml` (compiled in);
//! - [`names`]: CloudFormation's intrinsics resolved to one deployment's physical names;
//! - [`grants`]: what each function's role allows, from its template statements;
//! - [`roles`]: those roles on moto, with a session each and moto's enforcement on;
//! - [`moto`]: the emulator process;
//! - [`runtime_api`]: the Lambda Runtime API each bootstrap runs under;
//! - [`mapping`]: the DynamoDB stream mappings (batch, retries, filters) as declared;
//! - [`instance`]: one function's real bootstrap, spawned as Lambda spawns it;
//! - [`fleet`]: every function running, with the triggers, stream pollers and schedules that
//!   invoke them besides the API;
//! - [`event_source`]: a stream mapping's poller on the emulator's DynamoDB Streams;
//! - [`trigger_event`]: a user pool trigger's event, for both stacks;
//! - [`world`]: every resource the template declares, made on the emulator;
//! - [`authorizer`]: API Gateway's Cognito authorizer, for local tokens and moto's alike;
//! - [`front`]: every call a function makes, judged by its template statements on the way to
//!   the emulator;
//! - [`rekognition`]: a Rekognition endpoint on the local dlib matcher, as moto has none;
//! - [`deployment`]: all of it started together, as AWS mode runs it;
//! - [`deviations`]: where moto differs from AWS, each in one place with its source.

pub mod authorizer;
pub mod deployment;
pub mod deviations;
pub mod event_source;
pub mod fleet;
pub mod front;
pub mod grants;
pub mod instance;
pub mod mapping;
pub mod moto;
pub mod names;
pub mod rekognition;
pub mod roles;
pub mod runtime_api;
pub mod template;
pub mod trigger_event;
pub mod world;
