/*
 * What an AWS region and an EKS cluster name look like: shared by the action's inputs and the
 * eks-token command, which must not load the inputs module (and its YAML parser) to check them.
 */

export const AWS_REGION = /^[a-z]{2}(-[a-z]+)+-\d+$/;
export const EKS_CLUSTER = /^[0-9A-Za-z][A-Za-z0-9_-]{0,99}$/;
