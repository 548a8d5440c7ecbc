import { AwsServiceError } from './errors.js';

export type ClusterStatus = 'CREATING' | 'ACTIVE' | 'DELETING' | 'FAILED' | 'UPDATING' | 'PENDING';
export const CLUSTER_STATUSES: readonly ClusterStatus[] = [
  'CREATING',
  'ACTIVE',
  'DELETING',
  'FAILED',
  'UPDATING',
  'PENDING',
];

/** The one EKS cluster the sandbox simulates; status can be changed through the admin routes. */
export interface SimulatedCluster {
  name: string;
  accountId: string;
  region: string;
  /** https://127.0.0.1:PORT of the simulated API server (undefined while it is not running). */
  endpoint: string | undefined;
  /** PEM of the CA that signed the API server's certificate. */
  caPem: string;
  kubernetesVersion: string;
  status: ClusterStatus;
  createdAt: Date;
}

/** EKS DescribeCluster (REST: GET /clusters/NAME), with the fields clients read. */
export function describeCluster(cluster: SimulatedCluster, name: string): Record<string, unknown> {
  if (name !== cluster.name) {
    throw new AwsServiceError('ResourceNotFoundException', `No cluster found for name: ${name}.`, 404, {
      clusterName: name,
    });
  }
  const { accountId, region } = cluster;
  return {
    cluster: {
      name,
      arn: `arn:aws:eks:${region}:${accountId}:cluster/${name}`,
      createdAt: cluster.createdAt.getTime() / 1000,
      version: cluster.kubernetesVersion,
      // A cluster that is still being created has no endpoint yet, as on EKS.
      ...(cluster.status === 'CREATING' || !cluster.endpoint ? {} : { endpoint: cluster.endpoint }),
      roleArn: `arn:aws:iam::${accountId}:role/${name}-cluster-role`,
      resourcesVpcConfig: {
        subnetIds: [],
        securityGroupIds: [],
        vpcId: 'vpc-00000000sandbox',
        endpointPublicAccess: true,
        endpointPrivateAccess: false,
        publicAccessCidrs: ['0.0.0.0/0'],
      },
      // The range the simulated controllers allocate Service cluster IPs from.
      kubernetesNetworkConfig: { serviceIpv4Cidr: '172.20.0.0/16', ipFamily: 'ipv4' },
      logging: { clusterLogging: [{ types: ['api', 'audit'], enabled: false }] },
      identity: { oidc: { issuer: `https://oidc.eks.${region}.amazonaws.com/id/SANDBOX${accountId}` } },
      status: cluster.status,
      certificateAuthority: { data: Buffer.from(cluster.caPem).toString('base64') },
      platformVersion: 'eks.1',
      tags: {},
      accessConfig: { authenticationMode: 'API_AND_CONFIG_MAP' },
    },
  };
}
