import type { Cluster, EKSClient } from '@aws-sdk/client-eks';
import { AwsError, callAws, errorName } from '../aws/errors.js';

export interface EksCluster {
  name: string;
  endpoint: string;
  certificateAuthorityData: string;
  /** API, API_AND_CONFIG_MAP or CONFIG_MAP; undefined when EKS does not say (older clusters: CONFIG_MAP). */
  authenticationMode: string | undefined;
}

/** Clusters in these states serve the Kubernetes API; the others cannot take a deploy. */
const USABLE = new Set(['ACTIVE', 'UPDATING']);

/** DescribeCluster, checked: the cluster exists, serves its API, and has an endpoint and CA. */
export async function describeUsableCluster(
  eks: EKSClient,
  name: string,
  region: string,
): Promise<EksCluster> {
  const { DescribeClusterCommand } = await import('@aws-sdk/client-eks');
  const context = { service: 'eks', operation: 'DescribeCluster', region, subject: `cluster '${name}'` };
  let cluster: Cluster | undefined;
  try {
    ({ cluster } = await eks.send(new DescribeClusterCommand({ name })));
  } catch (error) {
    if (errorName(error) === 'ResourceNotFoundException') {
      throw new AwsError(
        `EKS cluster '${name}' was not found in region ${region}. Check cluster-name and aws-region (and that the credentials belong to the cluster's account).`,
        'ResourceNotFoundException',
      );
    }
    return callAws(context, () => Promise.reject(error));
  }
  const status = cluster?.status ?? 'UNKNOWN';
  if (!USABLE.has(status)) {
    throw new AwsError(
      `EKS cluster '${name}' in ${region} is ${status}, not ACTIVE or UPDATING, so it cannot take a deploy. Wait until it is ACTIVE${
        status === 'FAILED' || status === 'DELETING' ? ' (or fix the cluster first)' : ''
      }.`,
      'ClusterNotUsable',
    );
  }
  if (!cluster?.endpoint || !cluster.certificateAuthority?.data) {
    throw new AwsError(
      `EKS cluster '${name}' in ${region} has no API endpoint or certificate authority yet. Wait until it is ACTIVE.`,
      'ClusterNotUsable',
    );
  }
  return {
    name,
    endpoint: cluster.endpoint,
    certificateAuthorityData: cluster.certificateAuthority.data,
    authenticationMode: cluster.accessConfig?.authenticationMode,
  };
}
