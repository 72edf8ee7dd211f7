export const id = 948;
export const ids = [948];
export const modules = {

/***/ 948:
/***/ ((__unused_webpack_module, exports, __webpack_require__) => {

const { awsEndpointFunctions, emitWarningIfUnsupportedVersion: emitWarningIfUnsupportedVersion$1, createDefaultUserAgentProvider, NODE_APP_ID_CONFIG_OPTIONS, getAwsRegionExtensionConfiguration, resolveAwsRegionExtensionConfiguration, resolveUserAgentConfig, resolveHostHeaderConfig, getUserAgentPlugin, getHostHeaderPlugin, getLoggerPlugin, getRecursionDetectionPlugin } = __webpack_require__(5152);
const { getHttpAuthSchemeEndpointRuleSetPlugin, DefaultIdentityProviderConfig, getHttpSigningPlugin, createPaginator } = __webpack_require__(402);
const { normalizeProvider, getSmithyContext, ServiceException, NoOpLogger, emitWarningIfUnsupportedVersion, loadConfigsForDefaultMode, getDefaultExtensionConfiguration, resolveDefaultRuntimeConfig, Client, makeBuilder, createAggregatedClient } = __webpack_require__(2658);
const { Command: $Command } = __webpack_require__(2658);
exports.$Command = $Command;
exports.__Client = Client;
const { resolveDefaultsModeConfig, loadConfig, NODE_USE_FIPS_ENDPOINT_CONFIG_OPTIONS, NODE_USE_DUALSTACK_ENDPOINT_CONFIG_OPTIONS, NODE_REGION_CONFIG_OPTIONS, NODE_REGION_CONFIG_FILE_OPTIONS, resolveRegionConfig } = __webpack_require__(7291);
const { BinaryDecisionDiagram, EndpointCache, decideEndpoint, customEndpointFunctions, resolveEndpointConfig, getEndpointPlugin } = __webpack_require__(2085);
const { parseUrl, getHttpHandlerExtensionConfiguration, resolveHttpHandlerRuntimeConfig, getContentLengthPlugin } = __webpack_require__(3422);
const { DEFAULT_RETRY_MODE, NODE_RETRY_MODE_CONFIG_OPTIONS, NODE_MAX_ATTEMPT_CONFIG_OPTIONS, resolveRetryConfig, getRetryPlugin } = __webpack_require__(3609);
const { TypeRegistry, getSchemaSerdePlugin } = __webpack_require__(6890);
const { resolveAwsSdkSigV4Config, AwsSdkSigV4Signer, NODE_AUTH_SCHEME_PREFERENCE_OPTIONS } = __webpack_require__(7523);
const { defaultProvider } = __webpack_require__(5861);
const { toUtf8, fromUtf8, toBase64, fromBase64, calculateBodyLength } = __webpack_require__(2430);
const { streamCollector, NodeHttpHandler } = __webpack_require__(1279);
const { AwsJson1_1Protocol } = __webpack_require__(7288);
const { Sha256 } = __webpack_require__(9542);

const defaultServiceDiscoveryHttpAuthSchemeParametersProvider = async (config, context, input) => {
    return {
        operation: getSmithyContext(context).operation,
        region: await normalizeProvider(config.region)() || (() => {
            throw new Error("expected `region` to be configured for `aws.auth#sigv4`");
        })(),
    };
};
function createAwsAuthSigv4HttpAuthOption(authParameters) {
    return {
        schemeId: "aws.auth#sigv4",
        signingProperties: {
            name: "servicediscovery",
            region: authParameters.region,
        },
        propertiesExtractor: (config, context) => ({
            signingProperties: {
                config,
                context,
            },
        }),
    };
}
const defaultServiceDiscoveryHttpAuthSchemeProvider = (authParameters) => {
    const options = [];
    switch (authParameters.operation) {
        default: {
            options.push(createAwsAuthSigv4HttpAuthOption(authParameters));
        }
    }
    return options;
};
const resolveHttpAuthSchemeConfig = (config) => {
    const config_0 = resolveAwsSdkSigV4Config(config);
    return Object.assign(config_0, {
        authSchemePreference: normalizeProvider(config.authSchemePreference ?? []),
    });
};

const resolveClientEndpointParameters = (options) => {
    return Object.assign(options, {
        useDualstackEndpoint: options.useDualstackEndpoint ?? false,
        useFipsEndpoint: options.useFipsEndpoint ?? false,
        defaultSigningName: "servicediscovery",
    });
};
const commonParams = {
    UseFIPS: { type: "builtInParams", name: "useFipsEndpoint" },
    Endpoint: { type: "builtInParams", name: "endpoint" },
    Region: { type: "builtInParams", name: "region" },
    UseDualStack: { type: "builtInParams", name: "useDualstackEndpoint" },
};

var version = "3.1137.0";
var packageInfo = {
	version: version};

const k = "ref";
const a = -1, b = true, c = "isSet", d = "PartitionResult", e = "booleanEquals", f = "getAttr", g = { [k]: "Endpoint" }, h = { [k]: d }, i = {}, j = [{ [k]: "Region" }];
const _data = {
    conditions: [
        [c, [g]],
        [c, j],
        ["aws.partition", j, d],
        [e, [{ [k]: "UseFIPS" }, b]],
        [e, [{ [k]: "UseDualStack" }, b]],
        [e, [{ fn: f, argv: [h, "supportsDualStack"] }, b]],
        [e, [{ fn: f, argv: [h, "supportsFIPS"] }, b]]
    ],
    results: [
        [a],
        [a, "Invalid Configuration: FIPS and custom endpoint are not supported"],
        [a, "Invalid Configuration: Dualstack and custom endpoint are not supported"],
        [g, i],
        ["https://servicediscovery-fips.{Region}.{PartitionResult#dualStackDnsSuffix}", i],
        [a, "FIPS and DualStack are enabled, but this partition does not support one or both"],
        ["https://servicediscovery-fips.{Region}.{PartitionResult#dnsSuffix}", i],
        [a, "FIPS is enabled but this partition does not support FIPS"],
        ["https://servicediscovery.{Region}.{PartitionResult#dualStackDnsSuffix}", i],
        [a, "DualStack is enabled but this partition does not support DualStack"],
        ["https://servicediscovery.{Region}.{PartitionResult#dnsSuffix}", i],
        [a, "Invalid Configuration: Missing Region"]
    ]
};
const root = 2;
const r = 100_000_000;
const nodes = new Int32Array([
    -1, 1, -1,
    0, 12, 3,
    1, 4, r + 11,
    2, 5, r + 11,
    3, 8, 6,
    4, 7, r + 10,
    5, r + 8, r + 9,
    4, 10, 9,
    6, r + 6, r + 7,
    5, 11, r + 5,
    6, r + 4, r + 5,
    3, r + 1, 13,
    4, r + 2, r + 3,
]);
const bdd = BinaryDecisionDiagram.from(nodes, root, _data.conditions, _data.results);

const cache = new EndpointCache({
    size: 50,
    params: ["Endpoint", "Region", "UseDualStack", "UseFIPS"],
});
const defaultEndpointResolver = (endpointParams, context = {}) => {
    return cache.get(endpointParams, () => decideEndpoint(bdd, {
        endpointParams: endpointParams,
        logger: context.logger,
    }));
};
customEndpointFunctions.aws = awsEndpointFunctions;

class ServiceDiscoveryServiceException extends ServiceException {
    constructor(options) {
        super(options);
        Object.setPrototypeOf(this, ServiceDiscoveryServiceException.prototype);
    }
}

class DuplicateRequest extends ServiceDiscoveryServiceException {
    name = "DuplicateRequest";
    $fault = "client";
    Message;
    DuplicateOperationId;
    constructor(opts) {
        super({
            name: "DuplicateRequest",
            $fault: "client",
            ...opts,
        });
        Object.setPrototypeOf(this, DuplicateRequest.prototype);
        this.Message = opts.Message;
        this.DuplicateOperationId = opts.DuplicateOperationId;
    }
}
class InvalidInput extends ServiceDiscoveryServiceException {
    name = "InvalidInput";
    $fault = "client";
    Message;
    constructor(opts) {
        super({
            name: "InvalidInput",
            $fault: "client",
            ...opts,
        });
        Object.setPrototypeOf(this, InvalidInput.prototype);
        this.Message = opts.Message;
    }
}
class NamespaceAlreadyExists extends ServiceDiscoveryServiceException {
    name = "NamespaceAlreadyExists";
    $fault = "client";
    Message;
    CreatorRequestId;
    NamespaceId;
    constructor(opts) {
        super({
            name: "NamespaceAlreadyExists",
            $fault: "client",
            ...opts,
        });
        Object.setPrototypeOf(this, NamespaceAlreadyExists.prototype);
        this.Message = opts.Message;
        this.CreatorRequestId = opts.CreatorRequestId;
        this.NamespaceId = opts.NamespaceId;
    }
}
class ResourceLimitExceeded extends ServiceDiscoveryServiceException {
    name = "ResourceLimitExceeded";
    $fault = "client";
    Message;
    constructor(opts) {
        super({
            name: "ResourceLimitExceeded",
            $fault: "client",
            ...opts,
        });
        Object.setPrototypeOf(this, ResourceLimitExceeded.prototype);
        this.Message = opts.Message;
    }
}
class TooManyTagsException extends ServiceDiscoveryServiceException {
    name = "TooManyTagsException";
    $fault = "client";
    Message;
    ResourceName;
    constructor(opts) {
        super({
            name: "TooManyTagsException",
            $fault: "client",
            ...opts,
        });
        Object.setPrototypeOf(this, TooManyTagsException.prototype);
        this.Message = opts.Message;
        this.ResourceName = opts.ResourceName;
    }
}
class NamespaceNotFound extends ServiceDiscoveryServiceException {
    name = "NamespaceNotFound";
    $fault = "client";
    Message;
    constructor(opts) {
        super({
            name: "NamespaceNotFound",
            $fault: "client",
            ...opts,
        });
        Object.setPrototypeOf(this, NamespaceNotFound.prototype);
        this.Message = opts.Message;
    }
}
class ServiceAlreadyExists extends ServiceDiscoveryServiceException {
    name = "ServiceAlreadyExists";
    $fault = "client";
    Message;
    CreatorRequestId;
    ServiceId;
    ServiceArn;
    constructor(opts) {
        super({
            name: "ServiceAlreadyExists",
            $fault: "client",
            ...opts,
        });
        Object.setPrototypeOf(this, ServiceAlreadyExists.prototype);
        this.Message = opts.Message;
        this.CreatorRequestId = opts.CreatorRequestId;
        this.ServiceId = opts.ServiceId;
        this.ServiceArn = opts.ServiceArn;
    }
}
class CustomHealthNotFound extends ServiceDiscoveryServiceException {
    name = "CustomHealthNotFound";
    $fault = "client";
    Message;
    constructor(opts) {
        super({
            name: "CustomHealthNotFound",
            $fault: "client",
            ...opts,
        });
        Object.setPrototypeOf(this, CustomHealthNotFound.prototype);
        this.Message = opts.Message;
    }
}
class ResourceInUse extends ServiceDiscoveryServiceException {
    name = "ResourceInUse";
    $fault = "client";
    Message;
    constructor(opts) {
        super({
            name: "ResourceInUse",
            $fault: "client",
            ...opts,
        });
        Object.setPrototypeOf(this, ResourceInUse.prototype);
        this.Message = opts.Message;
    }
}
class ServiceNotFound extends ServiceDiscoveryServiceException {
    name = "ServiceNotFound";
    $fault = "client";
    Message;
    constructor(opts) {
        super({
            name: "ServiceNotFound",
            $fault: "client",
            ...opts,
        });
        Object.setPrototypeOf(this, ServiceNotFound.prototype);
        this.Message = opts.Message;
    }
}
class InstanceNotFound extends ServiceDiscoveryServiceException {
    name = "InstanceNotFound";
    $fault = "client";
    Message;
    constructor(opts) {
        super({
            name: "InstanceNotFound",
            $fault: "client",
            ...opts,
        });
        Object.setPrototypeOf(this, InstanceNotFound.prototype);
        this.Message = opts.Message;
    }
}
class RequestLimitExceeded extends ServiceDiscoveryServiceException {
    name = "RequestLimitExceeded";
    $fault = "client";
    Message;
    constructor(opts) {
        super({
            name: "RequestLimitExceeded",
            $fault: "client",
            ...opts,
        });
        Object.setPrototypeOf(this, RequestLimitExceeded.prototype);
        this.Message = opts.Message;
    }
}
class OperationNotFound extends ServiceDiscoveryServiceException {
    name = "OperationNotFound";
    $fault = "client";
    Message;
    constructor(opts) {
        super({
            name: "OperationNotFound",
            $fault: "client",
            ...opts,
        });
        Object.setPrototypeOf(this, OperationNotFound.prototype);
        this.Message = opts.Message;
    }
}
class ResourceNotFoundException extends ServiceDiscoveryServiceException {
    name = "ResourceNotFoundException";
    $fault = "client";
    Message;
    constructor(opts) {
        super({
            name: "ResourceNotFoundException",
            $fault: "client",
            ...opts,
        });
        Object.setPrototypeOf(this, ResourceNotFoundException.prototype);
        this.Message = opts.Message;
    }
}
class ServiceAttributesLimitExceededException extends ServiceDiscoveryServiceException {
    name = "ServiceAttributesLimitExceededException";
    $fault = "client";
    Message;
    constructor(opts) {
        super({
            name: "ServiceAttributesLimitExceededException",
            $fault: "client",
            ...opts,
        });
        Object.setPrototypeOf(this, ServiceAttributesLimitExceededException.prototype);
        this.Message = opts.Message;
    }
}

const _A = "Attributes";
const _Ar = "Arn";
const _C = "Condition";
const _CBA = "CreatedByAccount";
const _CD = "CreateDate";
const _CHN = "CreateHttpNamespace";
const _CHNF = "CustomHealthNotFound";
const _CHNR = "CreateHttpNamespaceRequest";
const _CHNRr = "CreateHttpNamespaceResponse";
const _CPDN = "CreatePrivateDnsNamespace";
const _CPDNR = "CreatePrivateDnsNamespaceRequest";
const _CPDNRr = "CreatePrivateDnsNamespaceResponse";
const _CPDNRre = "CreatePublicDnsNamespaceRequest";
const _CPDNRrea = "CreatePublicDnsNamespaceResponse";
const _CPDNr = "CreatePublicDnsNamespace";
const _CRI = "CreatorRequestId";
const _CS = "CreateService";
const _CSR = "CreateServiceRequest";
const _CSRr = "CreateServiceResponse";
const _D = "Description";
const _DC = "DnsConfig";
const _DCC = "DnsConfigChange";
const _DI = "DeregisterInstance";
const _DIR = "DeregisterInstanceRequest";
const _DIRR = "DiscoverInstancesRevisionRequest";
const _DIRRi = "DiscoverInstancesRevisionResponse";
const _DIRe = "DeregisterInstanceResponse";
const _DIRi = "DiscoverInstancesRequest";
const _DIRis = "DiscoverInstancesResponse";
const _DIRisc = "DiscoverInstancesRevision";
const _DIi = "DiscoverInstances";
const _DN = "DeleteNamespace";
const _DNR = "DeleteNamespaceRequest";
const _DNRe = "DeleteNamespaceResponse";
const _DOI = "DuplicateOperationId";
const _DP = "DnsProperties";
const _DR = "DuplicateRequest";
const _DRL = "DnsRecordList";
const _DRn = "DnsRecords";
const _DRns = "DnsRecord";
const _DS = "DeleteService";
const _DSA = "DeleteServiceAttributes";
const _DSAR = "DeleteServiceAttributesRequest";
const _DSARe = "DeleteServiceAttributesResponse";
const _DSR = "DeleteServiceRequest";
const _DSRe = "DeleteServiceResponse";
const _EC = "ErrorCode";
const _EM = "ErrorMessage";
const _F = "Filters";
const _FT = "FailureThreshold";
const _FV = "FilterValues";
const _GI = "GetInstance";
const _GIHS = "GetInstancesHealthStatus";
const _GIHSR = "GetInstancesHealthStatusRequest";
const _GIHSRe = "GetInstancesHealthStatusResponse";
const _GIR = "GetInstanceRequest";
const _GIRe = "GetInstanceResponse";
const _GN = "GetNamespace";
const _GNR = "GetNamespaceRequest";
const _GNRe = "GetNamespaceResponse";
const _GO = "GetOperation";
const _GOR = "GetOperationRequest";
const _GORe = "GetOperationResponse";
const _GS = "GetService";
const _GSA = "GetServiceAttributes";
const _GSAR = "GetServiceAttributesRequest";
const _GSARe = "GetServiceAttributesResponse";
const _GSR = "GetServiceRequest";
const _GSRe = "GetServiceResponse";
const _HCC = "HealthCheckConfig";
const _HCCC = "HealthCheckCustomConfig";
const _HIS = "HttpInstanceSummary";
const _HISL = "HttpInstanceSummaryList";
const _HN = "HttpName";
const _HNC = "HttpNamespaceChange";
const _HP = "HttpProperties";
const _HS = "HealthStatus";
const _HZI = "HostedZoneId";
const _I = "Id";
const _IC = "InstanceCount";
const _II = "InvalidInput";
const _IIL = "InstanceIdList";
const _IIn = "InstanceId";
const _INF = "InstanceNotFound";
const _IR = "InstancesRevision";
const _IS = "InstanceSummary";
const _ISL = "InstanceSummaryList";
const _In = "Instances";
const _Ins = "Instance";
const _K = "Key";
const _LI = "ListInstances";
const _LIR = "ListInstancesRequest";
const _LIRi = "ListInstancesResponse";
const _LN = "ListNamespaces";
const _LNR = "ListNamespacesRequest";
const _LNRi = "ListNamespacesResponse";
const _LO = "ListOperations";
const _LOR = "ListOperationsRequest";
const _LORi = "ListOperationsResponse";
const _LS = "ListServices";
const _LSR = "ListServicesRequest";
const _LSRi = "ListServicesResponse";
const _LTFR = "ListTagsForResource";
const _LTFRR = "ListTagsForResourceRequest";
const _LTFRRi = "ListTagsForResourceResponse";
const _M = "Message";
const _MR = "MaxResults";
const _N = "Name";
const _NAE = "NamespaceAlreadyExists";
const _NF = "NamespaceFilter";
const _NFa = "NamespaceFilters";
const _NI = "NamespaceId";
const _NN = "NamespaceName";
const _NNF = "NamespaceNotFound";
const _NP = "NamespaceProperties";
const _NS = "NamespaceSummary";
const _NSL = "NamespaceSummariesList";
const _NT = "NextToken";
const _Na = "Namespace";
const _Nam = "Namespaces";
const _O = "Operation";
const _OA = "OwnerAccount";
const _OF = "OperationFilter";
const _OFp = "OperationFilters";
const _OI = "OperationId";
const _ONF = "OperationNotFound";
const _OP = "OptionalParameters";
const _OS = "OperationSummary";
const _OSL = "OperationSummaryList";
const _Op = "Operations";
const _P = "Properties";
const _PDNC = "PrivateDnsNamespaceChange";
const _PDNCu = "PublicDnsNamespaceChange";
const _PDNP = "PrivateDnsNamespaceProperties";
const _PDNPC = "PrivateDnsNamespacePropertiesChange";
const _PDNPCu = "PublicDnsNamespacePropertiesChange";
const _PDNPu = "PublicDnsNamespaceProperties";
const _PDPM = "PrivateDnsPropertiesMutable";
const _PDPMC = "PrivateDnsPropertiesMutableChange";
const _PDPMCu = "PublicDnsPropertiesMutableChange";
const _PDPMu = "PublicDnsPropertiesMutable";
const _QP = "QueryParameters";
const _RARN = "ResourceARN";
const _RI = "RegisterInstance";
const _RIR = "RegisterInstanceRequest";
const _RIRe = "RegisterInstanceResponse";
const _RIU = "ResourceInUse";
const _RLE = "RequestLimitExceeded";
const _RLEe = "ResourceLimitExceeded";
const _RN = "ResourceName";
const _RNFE = "ResourceNotFoundException";
const _RO = "ResourceOwner";
const _RP = "RoutingPolicy";
const _RPe = "ResourcePath";
const _S = "Service";
const _SA = "ServiceArn";
const _SAE = "ServiceAlreadyExists";
const _SALEE = "ServiceAttributesLimitExceededException";
const _SAe = "ServiceAttributes";
const _SC = "ServiceCount";
const _SCe = "ServiceChange";
const _SF = "ServiceFilter";
const _SFe = "ServiceFilters";
const _SI = "ServiceId";
const _SN = "ServiceName";
const _SNF = "ServiceNotFound";
const _SOA = "SOA";
const _SOAC = "SOAChange";
const _SS = "ServiceSummary";
const _SSL = "ServiceSummariesList";
const _Se = "Services";
const _St = "Status";
const _T = "Tags";
const _TK = "TagKeys";
const _TL = "TagList";
const _TMTE = "TooManyTagsException";
const _TR = "TagResource";
const _TRR = "TagResourceRequest";
const _TRRa = "TagResourceResponse";
const _TTL = "TTL";
const _Ta = "Targets";
const _Tag = "Tag";
const _Ty = "Type";
const _UD = "UpdateDate";
const _UHN = "UpdateHttpNamespace";
const _UHNR = "UpdateHttpNamespaceRequest";
const _UHNRp = "UpdateHttpNamespaceResponse";
const _UICHS = "UpdateInstanceCustomHealthStatus";
const _UICHSR = "UpdateInstanceCustomHealthStatusRequest";
const _UPDN = "UpdatePrivateDnsNamespace";
const _UPDNR = "UpdatePrivateDnsNamespaceRequest";
const _UPDNRp = "UpdatePrivateDnsNamespaceResponse";
const _UPDNRpd = "UpdatePublicDnsNamespaceRequest";
const _UPDNRpda = "UpdatePublicDnsNamespaceResponse";
const _UPDNp = "UpdatePublicDnsNamespace";
const _UR = "UntagResource";
const _URI = "UpdaterRequestId";
const _URR = "UntagResourceRequest";
const _URRn = "UntagResourceResponse";
const _US = "UpdateService";
const _USA = "UpdateServiceAttributes";
const _USAR = "UpdateServiceAttributesRequest";
const _USARp = "UpdateServiceAttributesResponse";
const _USR = "UpdateServiceRequest";
const _USRp = "UpdateServiceResponse";
const _V = "Vpc";
const _Va = "Values";
const _Val = "Value";
const _c = "client";
const _e = "error";
const _en = "endpoint";
const _hE = "httpError";
const _i = "item";
const _s = "smithy.ts.sdk.synthetic.com.amazonaws.servicediscovery";
const _xN = "xmlName";
const n0 = "com.amazonaws.servicediscovery";
const _s_registry = new TypeRegistry(_s);
var ServiceDiscoveryServiceException$ = [-3, _s, "ServiceDiscoveryServiceException", 0, [], []];
_s_registry.registerError(ServiceDiscoveryServiceException$, ServiceDiscoveryServiceException);
const n0_registry = new TypeRegistry(n0);
var CustomHealthNotFound$ = [-3, n0, _CHNF,
    { [_e]: _c, [_hE]: 404 },
    [_M],
    [0]
];
n0_registry.registerError(CustomHealthNotFound$, CustomHealthNotFound);
var DuplicateRequest$ = [-3, n0, _DR,
    { [_e]: _c, [_hE]: 409 },
    [_M, _DOI],
    [0, 0]
];
n0_registry.registerError(DuplicateRequest$, DuplicateRequest);
var InstanceNotFound$ = [-3, n0, _INF,
    { [_e]: _c, [_hE]: 404 },
    [_M],
    [0]
];
n0_registry.registerError(InstanceNotFound$, InstanceNotFound);
var InvalidInput$ = [-3, n0, _II,
    { [_e]: _c, [_hE]: 400 },
    [_M],
    [0]
];
n0_registry.registerError(InvalidInput$, InvalidInput);
var NamespaceAlreadyExists$ = [-3, n0, _NAE,
    { [_e]: _c, [_hE]: 400 },
    [_M, _CRI, _NI],
    [0, 0, 0]
];
n0_registry.registerError(NamespaceAlreadyExists$, NamespaceAlreadyExists);
var NamespaceNotFound$ = [-3, n0, _NNF,
    { [_e]: _c, [_hE]: 404 },
    [_M],
    [0]
];
n0_registry.registerError(NamespaceNotFound$, NamespaceNotFound);
var OperationNotFound$ = [-3, n0, _ONF,
    { [_e]: _c, [_hE]: 404 },
    [_M],
    [0]
];
n0_registry.registerError(OperationNotFound$, OperationNotFound);
var RequestLimitExceeded$ = [-3, n0, _RLE,
    { [_e]: _c, [_hE]: 429 },
    [_M],
    [0]
];
n0_registry.registerError(RequestLimitExceeded$, RequestLimitExceeded);
var ResourceInUse$ = [-3, n0, _RIU,
    { [_e]: _c, [_hE]: 409 },
    [_M],
    [0]
];
n0_registry.registerError(ResourceInUse$, ResourceInUse);
var ResourceLimitExceeded$ = [-3, n0, _RLEe,
    { [_e]: _c, [_hE]: 400 },
    [_M],
    [0]
];
n0_registry.registerError(ResourceLimitExceeded$, ResourceLimitExceeded);
var ResourceNotFoundException$ = [-3, n0, _RNFE,
    { [_e]: _c, [_hE]: 404 },
    [_M],
    [0]
];
n0_registry.registerError(ResourceNotFoundException$, ResourceNotFoundException);
var ServiceAlreadyExists$ = [-3, n0, _SAE,
    { [_e]: _c, [_hE]: 400 },
    [_M, _CRI, _SI, _SA],
    [0, 0, 0, 0]
];
n0_registry.registerError(ServiceAlreadyExists$, ServiceAlreadyExists);
var ServiceAttributesLimitExceededException$ = [-3, n0, _SALEE,
    { [_e]: _c, [_hE]: 400 },
    [_M],
    [0]
];
n0_registry.registerError(ServiceAttributesLimitExceededException$, ServiceAttributesLimitExceededException);
var ServiceNotFound$ = [-3, n0, _SNF,
    { [_e]: _c, [_hE]: 404 },
    [_M],
    [0]
];
n0_registry.registerError(ServiceNotFound$, ServiceNotFound);
var TooManyTagsException$ = [-3, n0, _TMTE,
    { [_e]: _c, [_hE]: 400 },
    [_M, _RN],
    [0, 0]
];
n0_registry.registerError(TooManyTagsException$, TooManyTagsException);
const errorTypeRegistries = [
    _s_registry,
    n0_registry,
];
var CreateHttpNamespaceRequest$ = [3, n0, _CHNR,
    0,
    [_N, _CRI, _D, _T],
    [0, [0, 4], 0, () => TagList], 1
];
var CreateHttpNamespaceResponse$ = [3, n0, _CHNRr,
    0,
    [_OI],
    [0]
];
var CreatePrivateDnsNamespaceRequest$ = [3, n0, _CPDNR,
    0,
    [_N, _V, _CRI, _D, _T, _P],
    [0, 0, [0, 4], 0, () => TagList, () => PrivateDnsNamespaceProperties$], 2
];
var CreatePrivateDnsNamespaceResponse$ = [3, n0, _CPDNRr,
    0,
    [_OI],
    [0]
];
var CreatePublicDnsNamespaceRequest$ = [3, n0, _CPDNRre,
    0,
    [_N, _CRI, _D, _T, _P],
    [0, [0, 4], 0, () => TagList, () => PublicDnsNamespaceProperties$], 1
];
var CreatePublicDnsNamespaceResponse$ = [3, n0, _CPDNRrea,
    0,
    [_OI],
    [0]
];
var CreateServiceRequest$ = [3, n0, _CSR,
    0,
    [_N, _NI, _CRI, _D, _DC, _HCC, _HCCC, _T, _Ty],
    [0, 0, [0, 4], 0, () => DnsConfig$, () => HealthCheckConfig$, () => HealthCheckCustomConfig$, () => TagList, 0], 1
];
var CreateServiceResponse$ = [3, n0, _CSRr,
    0,
    [_S],
    [() => Service$]
];
var DeleteNamespaceRequest$ = [3, n0, _DNR,
    0,
    [_I],
    [0], 1
];
var DeleteNamespaceResponse$ = [3, n0, _DNRe,
    0,
    [_OI],
    [0]
];
var DeleteServiceAttributesRequest$ = [3, n0, _DSAR,
    0,
    [_SI, _A],
    [0, 64 | 0], 2
];
var DeleteServiceAttributesResponse$ = [3, n0, _DSARe,
    0,
    [],
    []
];
var DeleteServiceRequest$ = [3, n0, _DSR,
    0,
    [_I],
    [0], 1
];
var DeleteServiceResponse$ = [3, n0, _DSRe,
    0,
    [],
    []
];
var DeregisterInstanceRequest$ = [3, n0, _DIR,
    0,
    [_SI, _IIn],
    [0, 0], 2
];
var DeregisterInstanceResponse$ = [3, n0, _DIRe,
    0,
    [_OI],
    [0]
];
var DiscoverInstancesRequest$ = [3, n0, _DIRi,
    0,
    [_NN, _SN, _MR, _QP, _OP, _HS, _OA],
    [0, 0, 1, 128 | 0, 128 | 0, 0, 0], 2
];
var DiscoverInstancesResponse$ = [3, n0, _DIRis,
    0,
    [_In, _IR],
    [() => HttpInstanceSummaryList, 1]
];
var DiscoverInstancesRevisionRequest$ = [3, n0, _DIRR,
    0,
    [_NN, _SN, _OA],
    [0, 0, 0], 2
];
var DiscoverInstancesRevisionResponse$ = [3, n0, _DIRRi,
    0,
    [_IR],
    [1]
];
var DnsConfig$ = [3, n0, _DC,
    0,
    [_DRn, _NI, _RP],
    [() => DnsRecordList, 0, 0], 1
];
var DnsConfigChange$ = [3, n0, _DCC,
    0,
    [_DRn],
    [() => DnsRecordList], 1
];
var DnsProperties$ = [3, n0, _DP,
    0,
    [_HZI, _SOA],
    [0, () => SOA$]
];
var DnsRecord$ = [3, n0, _DRns,
    0,
    [_Ty, _TTL],
    [0, 1], 2
];
var GetInstanceRequest$ = [3, n0, _GIR,
    0,
    [_SI, _IIn],
    [0, 0], 2
];
var GetInstanceResponse$ = [3, n0, _GIRe,
    0,
    [_RO, _Ins],
    [0, () => Instance$]
];
var GetInstancesHealthStatusRequest$ = [3, n0, _GIHSR,
    0,
    [_SI, _In, _MR, _NT],
    [0, [() => InstanceIdList, 0], 1, 0], 1
];
var GetInstancesHealthStatusResponse$ = [3, n0, _GIHSRe,
    0,
    [_St, _NT],
    [128 | 0, 0]
];
var GetNamespaceRequest$ = [3, n0, _GNR,
    0,
    [_I],
    [0], 1
];
var GetNamespaceResponse$ = [3, n0, _GNRe,
    0,
    [_Na],
    [() => Namespace$]
];
var GetOperationRequest$ = [3, n0, _GOR,
    0,
    [_OI, _OA],
    [0, 0], 1
];
var GetOperationResponse$ = [3, n0, _GORe,
    0,
    [_O],
    [() => Operation$]
];
var GetServiceAttributesRequest$ = [3, n0, _GSAR,
    0,
    [_SI],
    [0], 1
];
var GetServiceAttributesResponse$ = [3, n0, _GSARe,
    0,
    [_SAe],
    [() => ServiceAttributes$]
];
var GetServiceRequest$ = [3, n0, _GSR,
    0,
    [_I],
    [0], 1
];
var GetServiceResponse$ = [3, n0, _GSRe,
    0,
    [_S],
    [() => Service$]
];
var HealthCheckConfig$ = [3, n0, _HCC,
    0,
    [_Ty, _RPe, _FT],
    [0, 0, 1], 1
];
var HealthCheckCustomConfig$ = [3, n0, _HCCC,
    0,
    [_FT],
    [1]
];
var HttpInstanceSummary$ = [3, n0, _HIS,
    0,
    [_IIn, _NN, _SN, _HS, _A],
    [0, 0, 0, 0, 128 | 0]
];
var HttpNamespaceChange$ = [3, n0, _HNC,
    0,
    [_D],
    [0], 1
];
var HttpProperties$ = [3, n0, _HP,
    0,
    [_HN],
    [0]
];
var Instance$ = [3, n0, _Ins,
    0,
    [_I, _CRI, _A, _CBA],
    [0, 0, 128 | 0, 0], 1
];
var InstanceSummary$ = [3, n0, _IS,
    0,
    [_I, _A, _CBA],
    [0, 128 | 0, 0]
];
var ListInstancesRequest$ = [3, n0, _LIR,
    0,
    [_SI, _NT, _MR],
    [0, 0, 1], 1
];
var ListInstancesResponse$ = [3, n0, _LIRi,
    0,
    [_RO, _In, _NT],
    [0, [() => InstanceSummaryList, 0], 0]
];
var ListNamespacesRequest$ = [3, n0, _LNR,
    0,
    [_NT, _MR, _F],
    [0, 1, [() => NamespaceFilters, 0]]
];
var ListNamespacesResponse$ = [3, n0, _LNRi,
    0,
    [_Nam, _NT],
    [() => NamespaceSummariesList, 0]
];
var ListOperationsRequest$ = [3, n0, _LOR,
    0,
    [_NT, _MR, _F],
    [0, 1, [() => OperationFilters, 0]]
];
var ListOperationsResponse$ = [3, n0, _LORi,
    0,
    [_Op, _NT],
    [[() => OperationSummaryList, 0], 0]
];
var ListServicesRequest$ = [3, n0, _LSR,
    0,
    [_NT, _MR, _F],
    [0, 1, [() => ServiceFilters, 0]]
];
var ListServicesResponse$ = [3, n0, _LSRi,
    0,
    [_Se, _NT],
    [() => ServiceSummariesList, 0]
];
var ListTagsForResourceRequest$ = [3, n0, _LTFRR,
    0,
    [_RARN],
    [0], 1
];
var ListTagsForResourceResponse$ = [3, n0, _LTFRRi,
    0,
    [_T],
    [() => TagList]
];
var Namespace$ = [3, n0, _Na,
    0,
    [_I, _Ar, _RO, _N, _Ty, _D, _SC, _P, _CD, _CRI],
    [0, 0, 0, 0, 0, 0, 1, () => NamespaceProperties$, 4, 0]
];
var NamespaceFilter$ = [3, n0, _NF,
    0,
    [_N, _Va, _C],
    [0, [() => FilterValues, 0], 0], 2
];
var NamespaceProperties$ = [3, n0, _NP,
    0,
    [_DP, _HP],
    [() => DnsProperties$, () => HttpProperties$]
];
var NamespaceSummary$ = [3, n0, _NS,
    0,
    [_I, _Ar, _RO, _N, _Ty, _D, _SC, _P, _CD],
    [0, 0, 0, 0, 0, 0, 1, () => NamespaceProperties$, 4]
];
var Operation$ = [3, n0, _O,
    0,
    [_I, _OA, _Ty, _St, _EM, _EC, _CD, _UD, _Ta],
    [0, 0, 0, 0, 0, 0, 4, 4, 128 | 0]
];
var OperationFilter$ = [3, n0, _OF,
    0,
    [_N, _Va, _C],
    [0, [() => FilterValues, 0], 0], 2
];
var OperationSummary$ = [3, n0, _OS,
    0,
    [_I, _St],
    [0, 0]
];
var PrivateDnsNamespaceChange$ = [3, n0, _PDNC,
    0,
    [_D, _P],
    [0, () => PrivateDnsNamespacePropertiesChange$]
];
var PrivateDnsNamespaceProperties$ = [3, n0, _PDNP,
    0,
    [_DP],
    [() => PrivateDnsPropertiesMutable$], 1
];
var PrivateDnsNamespacePropertiesChange$ = [3, n0, _PDNPC,
    0,
    [_DP],
    [() => PrivateDnsPropertiesMutableChange$], 1
];
var PrivateDnsPropertiesMutable$ = [3, n0, _PDPM,
    0,
    [_SOA],
    [() => SOA$], 1
];
var PrivateDnsPropertiesMutableChange$ = [3, n0, _PDPMC,
    0,
    [_SOA],
    [() => SOAChange$], 1
];
var PublicDnsNamespaceChange$ = [3, n0, _PDNCu,
    0,
    [_D, _P],
    [0, () => PublicDnsNamespacePropertiesChange$]
];
var PublicDnsNamespaceProperties$ = [3, n0, _PDNPu,
    0,
    [_DP],
    [() => PublicDnsPropertiesMutable$], 1
];
var PublicDnsNamespacePropertiesChange$ = [3, n0, _PDNPCu,
    0,
    [_DP],
    [() => PublicDnsPropertiesMutableChange$], 1
];
var PublicDnsPropertiesMutable$ = [3, n0, _PDPMu,
    0,
    [_SOA],
    [() => SOA$], 1
];
var PublicDnsPropertiesMutableChange$ = [3, n0, _PDPMCu,
    0,
    [_SOA],
    [() => SOAChange$], 1
];
var RegisterInstanceRequest$ = [3, n0, _RIR,
    0,
    [_SI, _IIn, _A, _CRI],
    [0, 0, 128 | 0, [0, 4]], 3
];
var RegisterInstanceResponse$ = [3, n0, _RIRe,
    0,
    [_OI],
    [0]
];
var Service$ = [3, n0, _S,
    0,
    [_I, _Ar, _RO, _N, _NI, _D, _IC, _DC, _Ty, _HCC, _HCCC, _CD, _CRI, _CBA],
    [0, 0, 0, 0, 0, 0, 1, () => DnsConfig$, 0, () => HealthCheckConfig$, () => HealthCheckCustomConfig$, 4, 0, 0]
];
var ServiceAttributes$ = [3, n0, _SAe,
    0,
    [_SA, _RO, _A],
    [0, 0, 128 | 0]
];
var ServiceChange$ = [3, n0, _SCe,
    0,
    [_D, _DC, _HCC],
    [0, () => DnsConfigChange$, () => HealthCheckConfig$]
];
var ServiceFilter$ = [3, n0, _SF,
    0,
    [_N, _Va, _C],
    [0, [() => FilterValues, 0], 0], 2
];
var ServiceSummary$ = [3, n0, _SS,
    0,
    [_I, _Ar, _RO, _N, _Ty, _D, _IC, _DC, _HCC, _HCCC, _CD, _CBA],
    [0, 0, 0, 0, 0, 0, 1, () => DnsConfig$, () => HealthCheckConfig$, () => HealthCheckCustomConfig$, 4, 0]
];
var SOA$ = [3, n0, _SOA,
    0,
    [_TTL],
    [1], 1
];
var SOAChange$ = [3, n0, _SOAC,
    0,
    [_TTL],
    [1], 1
];
var Tag$ = [3, n0, _Tag,
    0,
    [_K, _Val],
    [0, 0], 2
];
var TagResourceRequest$ = [3, n0, _TRR,
    0,
    [_RARN, _T],
    [0, () => TagList], 2
];
var TagResourceResponse$ = [3, n0, _TRRa,
    0,
    [],
    []
];
var UntagResourceRequest$ = [3, n0, _URR,
    0,
    [_RARN, _TK],
    [0, 64 | 0], 2
];
var UntagResourceResponse$ = [3, n0, _URRn,
    0,
    [],
    []
];
var UpdateHttpNamespaceRequest$ = [3, n0, _UHNR,
    0,
    [_I, _Na, _URI],
    [0, () => HttpNamespaceChange$, [0, 4]], 2
];
var UpdateHttpNamespaceResponse$ = [3, n0, _UHNRp,
    0,
    [_OI],
    [0]
];
var UpdateInstanceCustomHealthStatusRequest$ = [3, n0, _UICHSR,
    0,
    [_SI, _IIn, _St],
    [0, 0, 0], 3
];
var UpdatePrivateDnsNamespaceRequest$ = [3, n0, _UPDNR,
    0,
    [_I, _Na, _URI],
    [0, () => PrivateDnsNamespaceChange$, [0, 4]], 2
];
var UpdatePrivateDnsNamespaceResponse$ = [3, n0, _UPDNRp,
    0,
    [_OI],
    [0]
];
var UpdatePublicDnsNamespaceRequest$ = [3, n0, _UPDNRpd,
    0,
    [_I, _Na, _URI],
    [0, () => PublicDnsNamespaceChange$, [0, 4]], 2
];
var UpdatePublicDnsNamespaceResponse$ = [3, n0, _UPDNRpda,
    0,
    [_OI],
    [0]
];
var UpdateServiceAttributesRequest$ = [3, n0, _USAR,
    0,
    [_SI, _A],
    [0, 128 | 0], 2
];
var UpdateServiceAttributesResponse$ = [3, n0, _USARp,
    0,
    [],
    []
];
var UpdateServiceRequest$ = [3, n0, _USR,
    0,
    [_I, _S],
    [0, () => ServiceChange$], 2
];
var UpdateServiceResponse$ = [3, n0, _USRp,
    0,
    [_OI],
    [0]
];
var __Unit = "unit";
var DnsRecordList = [1, n0, _DRL,
    0, () => DnsRecord$
];
var FilterValues = [1, n0, _FV,
    0, [0,
        { [_xN]: _i }]
];
var HttpInstanceSummaryList = [1, n0, _HISL,
    0, () => HttpInstanceSummary$
];
var InstanceIdList = [1, n0, _IIL,
    0, [0,
        { [_xN]: _IIn }]
];
var InstanceSummaryList = [1, n0, _ISL,
    0, [() => InstanceSummary$,
        { [_xN]: _IS }]
];
var NamespaceFilters = [1, n0, _NFa,
    0, [() => NamespaceFilter$,
        { [_xN]: _i }]
];
var NamespaceSummariesList = [1, n0, _NSL,
    0, () => NamespaceSummary$
];
var OperationFilters = [1, n0, _OFp,
    0, [() => OperationFilter$,
        { [_xN]: _i }]
];
var OperationSummaryList = [1, n0, _OSL,
    0, [() => OperationSummary$,
        { [_xN]: _OS }]
];
var ServiceFilters = [1, n0, _SFe,
    0, [() => ServiceFilter$,
        { [_xN]: _i }]
];
var ServiceSummariesList = [1, n0, _SSL,
    0, () => ServiceSummary$
];
var TagList = [1, n0, _TL,
    0, () => Tag$
];
var CreateHttpNamespace$ = [9, n0, _CHN,
    0, () => CreateHttpNamespaceRequest$, () => CreateHttpNamespaceResponse$
];
var CreatePrivateDnsNamespace$ = [9, n0, _CPDN,
    0, () => CreatePrivateDnsNamespaceRequest$, () => CreatePrivateDnsNamespaceResponse$
];
var CreatePublicDnsNamespace$ = [9, n0, _CPDNr,
    0, () => CreatePublicDnsNamespaceRequest$, () => CreatePublicDnsNamespaceResponse$
];
var CreateService$ = [9, n0, _CS,
    0, () => CreateServiceRequest$, () => CreateServiceResponse$
];
var DeleteNamespace$ = [9, n0, _DN,
    0, () => DeleteNamespaceRequest$, () => DeleteNamespaceResponse$
];
var DeleteService$ = [9, n0, _DS,
    0, () => DeleteServiceRequest$, () => DeleteServiceResponse$
];
var DeleteServiceAttributes$ = [9, n0, _DSA,
    0, () => DeleteServiceAttributesRequest$, () => DeleteServiceAttributesResponse$
];
var DeregisterInstance$ = [9, n0, _DI,
    0, () => DeregisterInstanceRequest$, () => DeregisterInstanceResponse$
];
var DiscoverInstances$ = [9, n0, _DIi,
    { [_en]: ["data-"] }, () => DiscoverInstancesRequest$, () => DiscoverInstancesResponse$
];
var DiscoverInstancesRevision$ = [9, n0, _DIRisc,
    { [_en]: ["data-"] }, () => DiscoverInstancesRevisionRequest$, () => DiscoverInstancesRevisionResponse$
];
var GetInstance$ = [9, n0, _GI,
    0, () => GetInstanceRequest$, () => GetInstanceResponse$
];
var GetInstancesHealthStatus$ = [9, n0, _GIHS,
    0, () => GetInstancesHealthStatusRequest$, () => GetInstancesHealthStatusResponse$
];
var GetNamespace$ = [9, n0, _GN,
    0, () => GetNamespaceRequest$, () => GetNamespaceResponse$
];
var GetOperation$ = [9, n0, _GO,
    0, () => GetOperationRequest$, () => GetOperationResponse$
];
var GetService$ = [9, n0, _GS,
    0, () => GetServiceRequest$, () => GetServiceResponse$
];
var GetServiceAttributes$ = [9, n0, _GSA,
    0, () => GetServiceAttributesRequest$, () => GetServiceAttributesResponse$
];
var ListInstances$ = [9, n0, _LI,
    0, () => ListInstancesRequest$, () => ListInstancesResponse$
];
var ListNamespaces$ = [9, n0, _LN,
    0, () => ListNamespacesRequest$, () => ListNamespacesResponse$
];
var ListOperations$ = [9, n0, _LO,
    0, () => ListOperationsRequest$, () => ListOperationsResponse$
];
var ListServices$ = [9, n0, _LS,
    0, () => ListServicesRequest$, () => ListServicesResponse$
];
var ListTagsForResource$ = [9, n0, _LTFR,
    0, () => ListTagsForResourceRequest$, () => ListTagsForResourceResponse$
];
var RegisterInstance$ = [9, n0, _RI,
    0, () => RegisterInstanceRequest$, () => RegisterInstanceResponse$
];
var TagResource$ = [9, n0, _TR,
    0, () => TagResourceRequest$, () => TagResourceResponse$
];
var UntagResource$ = [9, n0, _UR,
    0, () => UntagResourceRequest$, () => UntagResourceResponse$
];
var UpdateHttpNamespace$ = [9, n0, _UHN,
    0, () => UpdateHttpNamespaceRequest$, () => UpdateHttpNamespaceResponse$
];
var UpdateInstanceCustomHealthStatus$ = [9, n0, _UICHS,
    0, () => UpdateInstanceCustomHealthStatusRequest$, () => __Unit
];
var UpdatePrivateDnsNamespace$ = [9, n0, _UPDN,
    0, () => UpdatePrivateDnsNamespaceRequest$, () => UpdatePrivateDnsNamespaceResponse$
];
var UpdatePublicDnsNamespace$ = [9, n0, _UPDNp,
    0, () => UpdatePublicDnsNamespaceRequest$, () => UpdatePublicDnsNamespaceResponse$
];
var UpdateService$ = [9, n0, _US,
    0, () => UpdateServiceRequest$, () => UpdateServiceResponse$
];
var UpdateServiceAttributes$ = [9, n0, _USA,
    0, () => UpdateServiceAttributesRequest$, () => UpdateServiceAttributesResponse$
];

const getRuntimeConfig$1 = (config) => {
    return {
        apiVersion: "2017-03-14",
        base64Decoder: config?.base64Decoder ?? fromBase64,
        base64Encoder: config?.base64Encoder ?? toBase64,
        disableHostPrefix: config?.disableHostPrefix ?? false,
        endpointProvider: config?.endpointProvider ?? defaultEndpointResolver,
        extensions: config?.extensions ?? [],
        httpAuthSchemeProvider: config?.httpAuthSchemeProvider ?? defaultServiceDiscoveryHttpAuthSchemeProvider,
        httpAuthSchemes: config?.httpAuthSchemes ?? [
            {
                schemeId: "aws.auth#sigv4",
                identityProvider: (ipc) => ipc.getIdentityProvider("aws.auth#sigv4"),
                signer: new AwsSdkSigV4Signer(),
            },
        ],
        logger: config?.logger ?? new NoOpLogger(),
        protocol: config?.protocol ?? AwsJson1_1Protocol,
        protocolSettings: config?.protocolSettings ?? {
            defaultNamespace: "com.amazonaws.servicediscovery",
            errorTypeRegistries,
            version: "2017-03-14",
            serviceTarget: "Route53AutoNaming_v20170314",
        },
        serviceId: config?.serviceId ?? "ServiceDiscovery",
        sha256: config?.sha256 ?? Sha256,
        urlParser: config?.urlParser ?? parseUrl,
        utf8Decoder: config?.utf8Decoder ?? fromUtf8,
        utf8Encoder: config?.utf8Encoder ?? toUtf8,
    };
};

const getRuntimeConfig = (config) => {
    emitWarningIfUnsupportedVersion(process.version);
    const defaultsMode = resolveDefaultsModeConfig(config);
    const defaultConfigProvider = () => defaultsMode().then(loadConfigsForDefaultMode);
    const clientSharedValues = getRuntimeConfig$1(config);
    emitWarningIfUnsupportedVersion$1(process.version);
    const loaderConfig = {
        profile: config?.profile,
        logger: clientSharedValues.logger,
    };
    return {
        ...clientSharedValues,
        ...config,
        runtime: "node",
        defaultsMode,
        authSchemePreference: config?.authSchemePreference ?? loadConfig(NODE_AUTH_SCHEME_PREFERENCE_OPTIONS, loaderConfig),
        bodyLengthChecker: config?.bodyLengthChecker ?? calculateBodyLength,
        credentialDefaultProvider: config?.credentialDefaultProvider ?? defaultProvider,
        defaultUserAgentProvider: config?.defaultUserAgentProvider ?? createDefaultUserAgentProvider({ serviceId: clientSharedValues.serviceId, clientVersion: packageInfo.version }),
        maxAttempts: config?.maxAttempts ?? loadConfig(NODE_MAX_ATTEMPT_CONFIG_OPTIONS, config),
        region: config?.region ?? loadConfig(NODE_REGION_CONFIG_OPTIONS, { ...NODE_REGION_CONFIG_FILE_OPTIONS, ...loaderConfig }),
        requestHandler: NodeHttpHandler.create(config?.requestHandler ?? defaultConfigProvider),
        retryMode: config?.retryMode ??
            loadConfig({
                ...NODE_RETRY_MODE_CONFIG_OPTIONS,
                default: async () => (await defaultConfigProvider()).retryMode || DEFAULT_RETRY_MODE,
            }, config),
        streamCollector: config?.streamCollector ?? streamCollector,
        useDualstackEndpoint: config?.useDualstackEndpoint ?? loadConfig(NODE_USE_DUALSTACK_ENDPOINT_CONFIG_OPTIONS, loaderConfig),
        useFipsEndpoint: config?.useFipsEndpoint ?? loadConfig(NODE_USE_FIPS_ENDPOINT_CONFIG_OPTIONS, loaderConfig),
        userAgentAppId: config?.userAgentAppId ?? loadConfig(NODE_APP_ID_CONFIG_OPTIONS, loaderConfig),
    };
};

const getHttpAuthExtensionConfiguration = (runtimeConfig) => {
    const _httpAuthSchemes = runtimeConfig.httpAuthSchemes;
    let _httpAuthSchemeProvider = runtimeConfig.httpAuthSchemeProvider;
    let _credentials = runtimeConfig.credentials;
    return {
        setHttpAuthScheme(httpAuthScheme) {
            const index = _httpAuthSchemes.findIndex((scheme) => scheme.schemeId === httpAuthScheme.schemeId);
            if (index === -1) {
                _httpAuthSchemes.push(httpAuthScheme);
            }
            else {
                _httpAuthSchemes.splice(index, 1, httpAuthScheme);
            }
        },
        httpAuthSchemes() {
            return _httpAuthSchemes;
        },
        setHttpAuthSchemeProvider(httpAuthSchemeProvider) {
            _httpAuthSchemeProvider = httpAuthSchemeProvider;
        },
        httpAuthSchemeProvider() {
            return _httpAuthSchemeProvider;
        },
        setCredentials(credentials) {
            _credentials = credentials;
        },
        credentials() {
            return _credentials;
        },
    };
};
const resolveHttpAuthRuntimeConfig = (config) => {
    return {
        httpAuthSchemes: config.httpAuthSchemes(),
        httpAuthSchemeProvider: config.httpAuthSchemeProvider(),
        credentials: config.credentials(),
    };
};

const resolveRuntimeExtensions = (runtimeConfig, extensions) => {
    const extensionConfiguration = Object.assign(getAwsRegionExtensionConfiguration(runtimeConfig), getDefaultExtensionConfiguration(runtimeConfig), getHttpHandlerExtensionConfiguration(runtimeConfig), getHttpAuthExtensionConfiguration(runtimeConfig));
    extensions.forEach((extension) => extension.configure(extensionConfiguration));
    return Object.assign(runtimeConfig, resolveAwsRegionExtensionConfiguration(extensionConfiguration), resolveDefaultRuntimeConfig(extensionConfiguration), resolveHttpHandlerRuntimeConfig(extensionConfiguration), resolveHttpAuthRuntimeConfig(extensionConfiguration));
};

class ServiceDiscoveryClient extends Client {
    config;
    constructor(...[configuration]) {
        const _config_0 = getRuntimeConfig(configuration || {});
        super(_config_0);
        this.initConfig = _config_0;
        const _config_1 = resolveClientEndpointParameters(_config_0);
        const _config_2 = resolveUserAgentConfig(_config_1);
        const _config_3 = resolveRetryConfig(_config_2);
        const _config_4 = resolveRegionConfig(_config_3);
        const _config_5 = resolveHostHeaderConfig(_config_4);
        const _config_6 = resolveEndpointConfig(_config_5);
        const _config_7 = resolveHttpAuthSchemeConfig(_config_6);
        const _config_8 = resolveRuntimeExtensions(_config_7, configuration?.extensions || []);
        this.config = _config_8;
        this.middlewareStack.use(getSchemaSerdePlugin(this.config));
        this.middlewareStack.use(getUserAgentPlugin(this.config));
        this.middlewareStack.use(getRetryPlugin(this.config));
        this.middlewareStack.use(getContentLengthPlugin(this.config));
        this.middlewareStack.use(getHostHeaderPlugin(this.config));
        this.middlewareStack.use(getLoggerPlugin(this.config));
        this.middlewareStack.use(getRecursionDetectionPlugin(this.config));
        this.middlewareStack.use(getHttpAuthSchemeEndpointRuleSetPlugin(this.config, {
            httpAuthSchemeParametersProvider: defaultServiceDiscoveryHttpAuthSchemeParametersProvider,
            identityProviderConfigProvider: async (config) => new DefaultIdentityProviderConfig({
                "aws.auth#sigv4": config.credentials,
            }),
        }));
        this.middlewareStack.use(getHttpSigningPlugin(this.config));
    }
    destroy() {
        super.destroy();
    }
}

const command = makeBuilder(commonParams, "Route53AutoNaming_v20170314", "ServiceDiscoveryClient", getEndpointPlugin);
const _ep0 = {};
const _mw0 = (Command, cs, config, o) => [];

class CreateHttpNamespaceCommand extends command(_ep0, _mw0, "CreateHttpNamespace", CreateHttpNamespace$) {
}

class CreatePrivateDnsNamespaceCommand extends command(_ep0, _mw0, "CreatePrivateDnsNamespace", CreatePrivateDnsNamespace$) {
}

class CreatePublicDnsNamespaceCommand extends command(_ep0, _mw0, "CreatePublicDnsNamespace", CreatePublicDnsNamespace$) {
}

class CreateServiceCommand extends command(_ep0, _mw0, "CreateService", CreateService$) {
}

class DeleteNamespaceCommand extends command(_ep0, _mw0, "DeleteNamespace", DeleteNamespace$) {
}

class DeleteServiceAttributesCommand extends command(_ep0, _mw0, "DeleteServiceAttributes", DeleteServiceAttributes$) {
}

class DeleteServiceCommand extends command(_ep0, _mw0, "DeleteService", DeleteService$) {
}

class DeregisterInstanceCommand extends command(_ep0, _mw0, "DeregisterInstance", DeregisterInstance$) {
}

class DiscoverInstancesCommand extends command(_ep0, _mw0, "DiscoverInstances", DiscoverInstances$) {
}

class DiscoverInstancesRevisionCommand extends command(_ep0, _mw0, "DiscoverInstancesRevision", DiscoverInstancesRevision$) {
}

class GetInstanceCommand extends command(_ep0, _mw0, "GetInstance", GetInstance$) {
}

class GetInstancesHealthStatusCommand extends command(_ep0, _mw0, "GetInstancesHealthStatus", GetInstancesHealthStatus$) {
}

class GetNamespaceCommand extends command(_ep0, _mw0, "GetNamespace", GetNamespace$) {
}

class GetOperationCommand extends command(_ep0, _mw0, "GetOperation", GetOperation$) {
}

class GetServiceAttributesCommand extends command(_ep0, _mw0, "GetServiceAttributes", GetServiceAttributes$) {
}

class GetServiceCommand extends command(_ep0, _mw0, "GetService", GetService$) {
}

class ListInstancesCommand extends command(_ep0, _mw0, "ListInstances", ListInstances$) {
}

class ListNamespacesCommand extends command(_ep0, _mw0, "ListNamespaces", ListNamespaces$) {
}

class ListOperationsCommand extends command(_ep0, _mw0, "ListOperations", ListOperations$) {
}

class ListServicesCommand extends command(_ep0, _mw0, "ListServices", ListServices$) {
}

class ListTagsForResourceCommand extends command(_ep0, _mw0, "ListTagsForResource", ListTagsForResource$) {
}

class RegisterInstanceCommand extends command(_ep0, _mw0, "RegisterInstance", RegisterInstance$) {
}

class TagResourceCommand extends command(_ep0, _mw0, "TagResource", TagResource$) {
}

class UntagResourceCommand extends command(_ep0, _mw0, "UntagResource", UntagResource$) {
}

class UpdateHttpNamespaceCommand extends command(_ep0, _mw0, "UpdateHttpNamespace", UpdateHttpNamespace$) {
}

class UpdateInstanceCustomHealthStatusCommand extends command(_ep0, _mw0, "UpdateInstanceCustomHealthStatus", UpdateInstanceCustomHealthStatus$) {
}

class UpdatePrivateDnsNamespaceCommand extends command(_ep0, _mw0, "UpdatePrivateDnsNamespace", UpdatePrivateDnsNamespace$) {
}

class UpdatePublicDnsNamespaceCommand extends command(_ep0, _mw0, "UpdatePublicDnsNamespace", UpdatePublicDnsNamespace$) {
}

class UpdateServiceAttributesCommand extends command(_ep0, _mw0, "UpdateServiceAttributes", UpdateServiceAttributes$) {
}

class UpdateServiceCommand extends command(_ep0, _mw0, "UpdateService", UpdateService$) {
}

const paginateGetInstancesHealthStatus = createPaginator(ServiceDiscoveryClient, GetInstancesHealthStatusCommand, "NextToken", "NextToken", "MaxResults");

const paginateListInstances = createPaginator(ServiceDiscoveryClient, ListInstancesCommand, "NextToken", "NextToken", "MaxResults");

const paginateListNamespaces = createPaginator(ServiceDiscoveryClient, ListNamespacesCommand, "NextToken", "NextToken", "MaxResults");

const paginateListOperations = createPaginator(ServiceDiscoveryClient, ListOperationsCommand, "NextToken", "NextToken", "MaxResults");

const paginateListServices = createPaginator(ServiceDiscoveryClient, ListServicesCommand, "NextToken", "NextToken", "MaxResults");

const commands = {
    CreateHttpNamespaceCommand,
    CreatePrivateDnsNamespaceCommand,
    CreatePublicDnsNamespaceCommand,
    CreateServiceCommand,
    DeleteNamespaceCommand,
    DeleteServiceCommand,
    DeleteServiceAttributesCommand,
    DeregisterInstanceCommand,
    DiscoverInstancesCommand,
    DiscoverInstancesRevisionCommand,
    GetInstanceCommand,
    GetInstancesHealthStatusCommand,
    GetNamespaceCommand,
    GetOperationCommand,
    GetServiceCommand,
    GetServiceAttributesCommand,
    ListInstancesCommand,
    ListNamespacesCommand,
    ListOperationsCommand,
    ListServicesCommand,
    ListTagsForResourceCommand,
    RegisterInstanceCommand,
    TagResourceCommand,
    UntagResourceCommand,
    UpdateHttpNamespaceCommand,
    UpdateInstanceCustomHealthStatusCommand,
    UpdatePrivateDnsNamespaceCommand,
    UpdatePublicDnsNamespaceCommand,
    UpdateServiceCommand,
    UpdateServiceAttributesCommand,
};
const paginators = {
    paginateGetInstancesHealthStatus,
    paginateListInstances,
    paginateListNamespaces,
    paginateListOperations,
    paginateListServices,
};
class ServiceDiscovery extends ServiceDiscoveryClient {
}
createAggregatedClient(commands, ServiceDiscovery, { paginators });

const RecordType = {
    A: "A",
    AAAA: "AAAA",
    CNAME: "CNAME",
    SRV: "SRV",
};
const RoutingPolicy = {
    MULTIVALUE: "MULTIVALUE",
    WEIGHTED: "WEIGHTED",
};
const HealthCheckType = {
    HTTP: "HTTP",
    HTTPS: "HTTPS",
    TCP: "TCP",
};
const ServiceTypeOption = {
    HTTP: "HTTP",
};
const ServiceType = {
    DNS: "DNS",
    DNS_HTTP: "DNS_HTTP",
    HTTP: "HTTP",
};
const CustomHealthStatus = {
    HEALTHY: "HEALTHY",
    UNHEALTHY: "UNHEALTHY",
};
const HealthStatusFilter = {
    ALL: "ALL",
    HEALTHY: "HEALTHY",
    HEALTHY_OR_ELSE_ALL: "HEALTHY_OR_ELSE_ALL",
    UNHEALTHY: "UNHEALTHY",
};
const HealthStatus = {
    HEALTHY: "HEALTHY",
    UNHEALTHY: "UNHEALTHY",
    UNKNOWN: "UNKNOWN",
};
const FilterCondition = {
    BEGINS_WITH: "BEGINS_WITH",
    BETWEEN: "BETWEEN",
    EQ: "EQ",
    IN: "IN",
};
const NamespaceType = {
    DNS_PRIVATE: "DNS_PRIVATE",
    DNS_PUBLIC: "DNS_PUBLIC",
    HTTP: "HTTP",
};
const OperationStatus = {
    FAIL: "FAIL",
    PENDING: "PENDING",
    SUBMITTED: "SUBMITTED",
    SUCCESS: "SUCCESS",
};
const OperationTargetType = {
    INSTANCE: "INSTANCE",
    NAMESPACE: "NAMESPACE",
    SERVICE: "SERVICE",
};
const OperationType = {
    CREATE_NAMESPACE: "CREATE_NAMESPACE",
    DELETE_NAMESPACE: "DELETE_NAMESPACE",
    DEREGISTER_INSTANCE: "DEREGISTER_INSTANCE",
    REGISTER_INSTANCE: "REGISTER_INSTANCE",
    UPDATE_NAMESPACE: "UPDATE_NAMESPACE",
    UPDATE_SERVICE: "UPDATE_SERVICE",
};
const NamespaceFilterName = {
    HTTP_NAME: "HTTP_NAME",
    NAME: "NAME",
    RESOURCE_OWNER: "RESOURCE_OWNER",
    TYPE: "TYPE",
};
const OperationFilterName = {
    NAMESPACE_ID: "NAMESPACE_ID",
    SERVICE_ID: "SERVICE_ID",
    STATUS: "STATUS",
    TYPE: "TYPE",
    UPDATE_DATE: "UPDATE_DATE",
};
const ServiceFilterName = {
    NAMESPACE_ID: "NAMESPACE_ID",
    RESOURCE_OWNER: "RESOURCE_OWNER",
};

exports.CreateHttpNamespace$ = CreateHttpNamespace$;
exports.CreateHttpNamespaceCommand = CreateHttpNamespaceCommand;
exports.CreateHttpNamespaceRequest$ = CreateHttpNamespaceRequest$;
exports.CreateHttpNamespaceResponse$ = CreateHttpNamespaceResponse$;
exports.CreatePrivateDnsNamespace$ = CreatePrivateDnsNamespace$;
exports.CreatePrivateDnsNamespaceCommand = CreatePrivateDnsNamespaceCommand;
exports.CreatePrivateDnsNamespaceRequest$ = CreatePrivateDnsNamespaceRequest$;
exports.CreatePrivateDnsNamespaceResponse$ = CreatePrivateDnsNamespaceResponse$;
exports.CreatePublicDnsNamespace$ = CreatePublicDnsNamespace$;
exports.CreatePublicDnsNamespaceCommand = CreatePublicDnsNamespaceCommand;
exports.CreatePublicDnsNamespaceRequest$ = CreatePublicDnsNamespaceRequest$;
exports.CreatePublicDnsNamespaceResponse$ = CreatePublicDnsNamespaceResponse$;
exports.CreateService$ = CreateService$;
exports.CreateServiceCommand = CreateServiceCommand;
exports.CreateServiceRequest$ = CreateServiceRequest$;
exports.CreateServiceResponse$ = CreateServiceResponse$;
exports.CustomHealthNotFound = CustomHealthNotFound;
exports.CustomHealthNotFound$ = CustomHealthNotFound$;
exports.CustomHealthStatus = CustomHealthStatus;
exports.DeleteNamespace$ = DeleteNamespace$;
exports.DeleteNamespaceCommand = DeleteNamespaceCommand;
exports.DeleteNamespaceRequest$ = DeleteNamespaceRequest$;
exports.DeleteNamespaceResponse$ = DeleteNamespaceResponse$;
exports.DeleteService$ = DeleteService$;
exports.DeleteServiceAttributes$ = DeleteServiceAttributes$;
exports.DeleteServiceAttributesCommand = DeleteServiceAttributesCommand;
exports.DeleteServiceAttributesRequest$ = DeleteServiceAttributesRequest$;
exports.DeleteServiceAttributesResponse$ = DeleteServiceAttributesResponse$;
exports.DeleteServiceCommand = DeleteServiceCommand;
exports.DeleteServiceRequest$ = DeleteServiceRequest$;
exports.DeleteServiceResponse$ = DeleteServiceResponse$;
exports.DeregisterInstance$ = DeregisterInstance$;
exports.DeregisterInstanceCommand = DeregisterInstanceCommand;
exports.DeregisterInstanceRequest$ = DeregisterInstanceRequest$;
exports.DeregisterInstanceResponse$ = DeregisterInstanceResponse$;
exports.DiscoverInstances$ = DiscoverInstances$;
exports.DiscoverInstancesCommand = DiscoverInstancesCommand;
exports.DiscoverInstancesRequest$ = DiscoverInstancesRequest$;
exports.DiscoverInstancesResponse$ = DiscoverInstancesResponse$;
exports.DiscoverInstancesRevision$ = DiscoverInstancesRevision$;
exports.DiscoverInstancesRevisionCommand = DiscoverInstancesRevisionCommand;
exports.DiscoverInstancesRevisionRequest$ = DiscoverInstancesRevisionRequest$;
exports.DiscoverInstancesRevisionResponse$ = DiscoverInstancesRevisionResponse$;
exports.DnsConfig$ = DnsConfig$;
exports.DnsConfigChange$ = DnsConfigChange$;
exports.DnsProperties$ = DnsProperties$;
exports.DnsRecord$ = DnsRecord$;
exports.DuplicateRequest = DuplicateRequest;
exports.DuplicateRequest$ = DuplicateRequest$;
exports.FilterCondition = FilterCondition;
exports.GetInstance$ = GetInstance$;
exports.GetInstanceCommand = GetInstanceCommand;
exports.GetInstanceRequest$ = GetInstanceRequest$;
exports.GetInstanceResponse$ = GetInstanceResponse$;
exports.GetInstancesHealthStatus$ = GetInstancesHealthStatus$;
exports.GetInstancesHealthStatusCommand = GetInstancesHealthStatusCommand;
exports.GetInstancesHealthStatusRequest$ = GetInstancesHealthStatusRequest$;
exports.GetInstancesHealthStatusResponse$ = GetInstancesHealthStatusResponse$;
exports.GetNamespace$ = GetNamespace$;
exports.GetNamespaceCommand = GetNamespaceCommand;
exports.GetNamespaceRequest$ = GetNamespaceRequest$;
exports.GetNamespaceResponse$ = GetNamespaceResponse$;
exports.GetOperation$ = GetOperation$;
exports.GetOperationCommand = GetOperationCommand;
exports.GetOperationRequest$ = GetOperationRequest$;
exports.GetOperationResponse$ = GetOperationResponse$;
exports.GetService$ = GetService$;
exports.GetServiceAttributes$ = GetServiceAttributes$;
exports.GetServiceAttributesCommand = GetServiceAttributesCommand;
exports.GetServiceAttributesRequest$ = GetServiceAttributesRequest$;
exports.GetServiceAttributesResponse$ = GetServiceAttributesResponse$;
exports.GetServiceCommand = GetServiceCommand;
exports.GetServiceRequest$ = GetServiceRequest$;
exports.GetServiceResponse$ = GetServiceResponse$;
exports.HealthCheckConfig$ = HealthCheckConfig$;
exports.HealthCheckCustomConfig$ = HealthCheckCustomConfig$;
exports.HealthCheckType = HealthCheckType;
exports.HealthStatus = HealthStatus;
exports.HealthStatusFilter = HealthStatusFilter;
exports.HttpInstanceSummary$ = HttpInstanceSummary$;
exports.HttpNamespaceChange$ = HttpNamespaceChange$;
exports.HttpProperties$ = HttpProperties$;
exports.Instance$ = Instance$;
exports.InstanceNotFound = InstanceNotFound;
exports.InstanceNotFound$ = InstanceNotFound$;
exports.InstanceSummary$ = InstanceSummary$;
exports.InvalidInput = InvalidInput;
exports.InvalidInput$ = InvalidInput$;
exports.ListInstances$ = ListInstances$;
exports.ListInstancesCommand = ListInstancesCommand;
exports.ListInstancesRequest$ = ListInstancesRequest$;
exports.ListInstancesResponse$ = ListInstancesResponse$;
exports.ListNamespaces$ = ListNamespaces$;
exports.ListNamespacesCommand = ListNamespacesCommand;
exports.ListNamespacesRequest$ = ListNamespacesRequest$;
exports.ListNamespacesResponse$ = ListNamespacesResponse$;
exports.ListOperations$ = ListOperations$;
exports.ListOperationsCommand = ListOperationsCommand;
exports.ListOperationsRequest$ = ListOperationsRequest$;
exports.ListOperationsResponse$ = ListOperationsResponse$;
exports.ListServices$ = ListServices$;
exports.ListServicesCommand = ListServicesCommand;
exports.ListServicesRequest$ = ListServicesRequest$;
exports.ListServicesResponse$ = ListServicesResponse$;
exports.ListTagsForResource$ = ListTagsForResource$;
exports.ListTagsForResourceCommand = ListTagsForResourceCommand;
exports.ListTagsForResourceRequest$ = ListTagsForResourceRequest$;
exports.ListTagsForResourceResponse$ = ListTagsForResourceResponse$;
exports.Namespace$ = Namespace$;
exports.NamespaceAlreadyExists = NamespaceAlreadyExists;
exports.NamespaceAlreadyExists$ = NamespaceAlreadyExists$;
exports.NamespaceFilter$ = NamespaceFilter$;
exports.NamespaceFilterName = NamespaceFilterName;
exports.NamespaceNotFound = NamespaceNotFound;
exports.NamespaceNotFound$ = NamespaceNotFound$;
exports.NamespaceProperties$ = NamespaceProperties$;
exports.NamespaceSummary$ = NamespaceSummary$;
exports.NamespaceType = NamespaceType;
exports.Operation$ = Operation$;
exports.OperationFilter$ = OperationFilter$;
exports.OperationFilterName = OperationFilterName;
exports.OperationNotFound = OperationNotFound;
exports.OperationNotFound$ = OperationNotFound$;
exports.OperationStatus = OperationStatus;
exports.OperationSummary$ = OperationSummary$;
exports.OperationTargetType = OperationTargetType;
exports.OperationType = OperationType;
exports.PrivateDnsNamespaceChange$ = PrivateDnsNamespaceChange$;
exports.PrivateDnsNamespaceProperties$ = PrivateDnsNamespaceProperties$;
exports.PrivateDnsNamespacePropertiesChange$ = PrivateDnsNamespacePropertiesChange$;
exports.PrivateDnsPropertiesMutable$ = PrivateDnsPropertiesMutable$;
exports.PrivateDnsPropertiesMutableChange$ = PrivateDnsPropertiesMutableChange$;
exports.PublicDnsNamespaceChange$ = PublicDnsNamespaceChange$;
exports.PublicDnsNamespaceProperties$ = PublicDnsNamespaceProperties$;
exports.PublicDnsNamespacePropertiesChange$ = PublicDnsNamespacePropertiesChange$;
exports.PublicDnsPropertiesMutable$ = PublicDnsPropertiesMutable$;
exports.PublicDnsPropertiesMutableChange$ = PublicDnsPropertiesMutableChange$;
exports.RecordType = RecordType;
exports.RegisterInstance$ = RegisterInstance$;
exports.RegisterInstanceCommand = RegisterInstanceCommand;
exports.RegisterInstanceRequest$ = RegisterInstanceRequest$;
exports.RegisterInstanceResponse$ = RegisterInstanceResponse$;
exports.RequestLimitExceeded = RequestLimitExceeded;
exports.RequestLimitExceeded$ = RequestLimitExceeded$;
exports.ResourceInUse = ResourceInUse;
exports.ResourceInUse$ = ResourceInUse$;
exports.ResourceLimitExceeded = ResourceLimitExceeded;
exports.ResourceLimitExceeded$ = ResourceLimitExceeded$;
exports.ResourceNotFoundException = ResourceNotFoundException;
exports.ResourceNotFoundException$ = ResourceNotFoundException$;
exports.RoutingPolicy = RoutingPolicy;
exports.SOA$ = SOA$;
exports.SOAChange$ = SOAChange$;
exports.Service$ = Service$;
exports.ServiceAlreadyExists = ServiceAlreadyExists;
exports.ServiceAlreadyExists$ = ServiceAlreadyExists$;
exports.ServiceAttributes$ = ServiceAttributes$;
exports.ServiceAttributesLimitExceededException = ServiceAttributesLimitExceededException;
exports.ServiceAttributesLimitExceededException$ = ServiceAttributesLimitExceededException$;
exports.ServiceChange$ = ServiceChange$;
exports.ServiceDiscovery = ServiceDiscovery;
exports.ServiceDiscoveryClient = ServiceDiscoveryClient;
exports.ServiceDiscoveryServiceException = ServiceDiscoveryServiceException;
exports.ServiceDiscoveryServiceException$ = ServiceDiscoveryServiceException$;
exports.ServiceFilter$ = ServiceFilter$;
exports.ServiceFilterName = ServiceFilterName;
exports.ServiceNotFound = ServiceNotFound;
exports.ServiceNotFound$ = ServiceNotFound$;
exports.ServiceSummary$ = ServiceSummary$;
exports.ServiceType = ServiceType;
exports.ServiceTypeOption = ServiceTypeOption;
exports.Tag$ = Tag$;
exports.TagResource$ = TagResource$;
exports.TagResourceCommand = TagResourceCommand;
exports.TagResourceRequest$ = TagResourceRequest$;
exports.TagResourceResponse$ = TagResourceResponse$;
exports.TooManyTagsException = TooManyTagsException;
exports.TooManyTagsException$ = TooManyTagsException$;
exports.UntagResource$ = UntagResource$;
exports.UntagResourceCommand = UntagResourceCommand;
exports.UntagResourceRequest$ = UntagResourceRequest$;
exports.UntagResourceResponse$ = UntagResourceResponse$;
exports.UpdateHttpNamespace$ = UpdateHttpNamespace$;
exports.UpdateHttpNamespaceCommand = UpdateHttpNamespaceCommand;
exports.UpdateHttpNamespaceRequest$ = UpdateHttpNamespaceRequest$;
exports.UpdateHttpNamespaceResponse$ = UpdateHttpNamespaceResponse$;
exports.UpdateInstanceCustomHealthStatus$ = UpdateInstanceCustomHealthStatus$;
exports.UpdateInstanceCustomHealthStatusCommand = UpdateInstanceCustomHealthStatusCommand;
exports.UpdateInstanceCustomHealthStatusRequest$ = UpdateInstanceCustomHealthStatusRequest$;
exports.UpdatePrivateDnsNamespace$ = UpdatePrivateDnsNamespace$;
exports.UpdatePrivateDnsNamespaceCommand = UpdatePrivateDnsNamespaceCommand;
exports.UpdatePrivateDnsNamespaceRequest$ = UpdatePrivateDnsNamespaceRequest$;
exports.UpdatePrivateDnsNamespaceResponse$ = UpdatePrivateDnsNamespaceResponse$;
exports.UpdatePublicDnsNamespace$ = UpdatePublicDnsNamespace$;
exports.UpdatePublicDnsNamespaceCommand = UpdatePublicDnsNamespaceCommand;
exports.UpdatePublicDnsNamespaceRequest$ = UpdatePublicDnsNamespaceRequest$;
exports.UpdatePublicDnsNamespaceResponse$ = UpdatePublicDnsNamespaceResponse$;
exports.UpdateService$ = UpdateService$;
exports.UpdateServiceAttributes$ = UpdateServiceAttributes$;
exports.UpdateServiceAttributesCommand = UpdateServiceAttributesCommand;
exports.UpdateServiceAttributesRequest$ = UpdateServiceAttributesRequest$;
exports.UpdateServiceAttributesResponse$ = UpdateServiceAttributesResponse$;
exports.UpdateServiceCommand = UpdateServiceCommand;
exports.UpdateServiceRequest$ = UpdateServiceRequest$;
exports.UpdateServiceResponse$ = UpdateServiceResponse$;
exports.errorTypeRegistries = errorTypeRegistries;
exports.paginateGetInstancesHealthStatus = paginateGetInstancesHealthStatus;
exports.paginateListInstances = paginateListInstances;
exports.paginateListNamespaces = paginateListNamespaces;
exports.paginateListOperations = paginateListOperations;
exports.paginateListServices = paginateListServices;


/***/ })

};
