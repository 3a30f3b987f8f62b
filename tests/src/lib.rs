pub mod local_stack;
