import type { KubeObject } from '../kube/contract.js';
import type { Runtime } from './runtime.js';

export interface SimulatedNode {
  name: string;
  internalIP: string;
  /** The first three octets of the node's pod CIDR. */
  podPrefix: string;
  zone: string;
}

/** Three EKS-looking worker nodes, one per availability zone. */
export const simulatedNodes: SimulatedNode[] = [1, 2, 3].map((i) => ({
  name: `ip-10-0-${i}-10.ec2.internal`,
  internalIP: `10.0.${i}.10`,
  podPrefix: `10.244.${i}`,
  zone: `us-east-1${'abc'[i - 1]}`,
}));

function nodeObject(node: SimulatedNode, now: string): KubeObject {
  const condition = (type: string, status: string, reason: string, message: string) => ({
    type,
    status,
    reason,
    message,
    lastHeartbeatTime: now,
    lastTransitionTime: now,
  });
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name: node.name,
      labels: {
        'kubernetes.io/hostname': node.name,
        'kubernetes.io/os': 'linux',
        'kubernetes.io/arch': 'amd64',
        'topology.kubernetes.io/zone': node.zone,
        'topology.kubernetes.io/region': 'us-east-1',
        'node.kubernetes.io/instance-type': 'm5.large',
        'eks.amazonaws.com/nodegroup': 'sandbox',
      },
    },
    spec: {
      podCIDR: `${node.podPrefix}.0/24`,
      providerID: `aws:///${node.zone}/i-0sandbox${node.podPrefix.slice(-1)}`,
    },
    status: {
      capacity: { cpu: '2', memory: '8Gi', pods: '110', 'ephemeral-storage': '20Gi' },
      allocatable: { cpu: '1930m', memory: '7Gi', pods: '110', 'ephemeral-storage': '18Gi' },
      conditions: [
        condition(
          'MemoryPressure',
          'False',
          'KubeletHasSufficientMemory',
          'kubelet has sufficient memory available',
        ),
        condition('DiskPressure', 'False', 'KubeletHasNoDiskPressure', 'kubelet has no disk pressure'),
        condition('PIDPressure', 'False', 'KubeletHasSufficientPID', 'kubelet has sufficient PID available'),
        condition('Ready', 'True', 'KubeletReady', 'kubelet is posting ready status'),
      ],
      addresses: [
        { type: 'InternalIP', address: node.internalIP },
        { type: 'Hostname', address: node.name },
      ],
      nodeInfo: {
        kubeletVersion: 'v1.32.0-eks-sandbox',
        kubeProxyVersion: 'v1.32.0-eks-sandbox',
        containerRuntimeVersion: 'containerd://1.7.0',
        operatingSystem: 'linux',
        architecture: 'amd64',
        osImage: 'Amazon Linux 2023 (sandbox)',
        kernelVersion: '6.1.0',
      },
    },
  };
}

/** Registers the simulated nodes (unless they exist already). */
export function registerNodes(runtime: Runtime): void {
  for (const node of simulatedNodes) {
    if (!runtime.get(runtime.kinds.Node, undefined, node.name)) {
      runtime.store.create(nodeObject(node, runtime.nowIso()));
    }
  }
}
