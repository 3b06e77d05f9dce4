-- Demo dimension data for tenants acme and buildright. Each INSERT runs only while its table is
-- empty, so re-applying this file changes nothing. The generator reads these tables at start.
-- Topology: each site is served by one of the 4 PACS connectors; events take the site's PACS.

INSERT INTO piam.dim_tenant
SELECT t.1, t.2, t.3, t.4 FROM (SELECT arrayJoin([
  ('acme',       'Acme Manufacturing', 'Manufacturing', 'America/Chicago'),
  ('buildright', 'BuildRight Properties', 'Commercial Real Estate', 'America/New_York')
]) AS t) WHERE (SELECT count() FROM piam.dim_tenant) = 0;

INSERT INTO piam.dim_connector
SELECT t.1, t.2, t.3, t.4, t.5, t.6 FROM (SELECT arrayJoin([
  ('acme',       'lenel-primary',   'Lenel Primary',    'LENEL',   'OnGuard 8.1',       'https://onguard.acme.local/api'),
  ('acme',       'ccure-satellite', 'C-CURE Satellite', 'CCURE',   'C-CURE 9000 v3.0',  'https://ccure.acme.local/victorwebservice'),
  ('buildright', 's2-building-b',   'S2 Building B',    'S2',      'S2 NetBox 6.2',     'https://netbox-b.buildright.local/goforms/nbapi'),
  ('buildright', 'genetec-campus',  'Genetec Campus',   'GENETEC', 'Synergis 5.11',     'https://synergis.buildright.local/WebSdk')
]) AS t) WHERE (SELECT count() FROM piam.dim_connector) = 0;

INSERT INTO piam.dim_site
SELECT t.1, t.2, t.3, t.4, t.5 FROM (SELECT arrayJoin([
  ('acme',       'acme-hq',       'Acme Headquarters',      'Chicago, IL',   'lenel-primary'),
  ('acme',       'acme-plant-2',  'Acme Plant 2',           'Gary, IN',      'ccure-satellite'),
  ('buildright', 'br-building-b', 'BuildRight Building B',  'New York, NY',  's2-building-b'),
  ('buildright', 'br-campus',     'BuildRight North Campus','Stamford, CT',  'genetec-campus')
]) AS t) WHERE (SELECT count() FROM piam.dim_site) = 0;

INSERT INTO piam.dim_location
SELECT t.1, t.2, t.3, t.4, t.5, t.6 FROM (SELECT arrayJoin([
  ('acme', 'acme-hq', 'acme-hq-lobby',        'HQ Main Lobby Turnstile', 'ENTRANCE',    0),
  ('acme', 'acme-hq', 'acme-hq-garage',       'HQ Garage Entry',         'ENTRANCE',    0),
  ('acme', 'acme-hq', 'acme-hq-datacenter',   'HQ Data Center',          'RESTRICTED',  1),
  ('acme', 'acme-hq', 'acme-hq-exec-floor',   'HQ Executive Floor',      'RESTRICTED',  1),
  ('acme', 'acme-hq', 'acme-hq-dock',         'HQ Loading Dock',         'PERIMETER',   0),
  ('acme', 'acme-plant-2', 'acme-p2-gate',       'Plant 2 Main Gate',       'ENTRANCE',   0),
  ('acme', 'acme-plant-2', 'acme-p2-floor',      'Plant 2 Production Floor','INTERIOR',   0),
  ('acme', 'acme-plant-2', 'acme-p2-chem-store', 'Plant 2 Chemical Store',  'RESTRICTED', 1),
  ('acme', 'acme-plant-2', 'acme-p2-shipping',   'Plant 2 Shipping Bay',    'PERIMETER',  0),
  ('buildright', 'br-building-b', 'br-b-lobby',     'Building B Lobby',          'ENTRANCE',   0),
  ('buildright', 'br-building-b', 'br-b-elevator',  'Building B Elevator Bank',  'INTERIOR',   0),
  ('buildright', 'br-building-b', 'br-b-mdf',       'Building B MDF Room',       'RESTRICTED', 1),
  ('buildright', 'br-building-b', 'br-b-roof',      'Building B Roof Access',    'RESTRICTED', 1),
  ('buildright', 'br-campus', 'br-campus-north-gate', 'Campus North Gate',      'PERIMETER',  0),
  ('buildright', 'br-campus', 'br-campus-admin',      'Campus Admin Building',  'ENTRANCE',   0),
  ('buildright', 'br-campus', 'br-campus-lab',        'Campus R&D Lab',         'RESTRICTED', 1),
  ('buildright', 'br-campus', 'br-campus-gym',        'Campus Fitness Center',  'INTERIOR',   0)
]) AS t) WHERE (SELECT count() FROM piam.dim_location) = 0;

-- 60 acme and 40 buildright people; names cycle through fixed lists, about 1 in 15 badges expired.
INSERT INTO piam.dim_person
SELECT
  'acme',
  concat('acme-p', toString(1001 + number)),
  concat('ACM-', toString(480000 + number * 7)),
  arrayElement(['Olivia','Liam','Emma','Noah','Ava','Elijah','Sophia','James','Isabella','Lucas','Mia','Mason','Amelia','Ethan','Harper','Logan','Evelyn','Jacob','Abigail','Daniel'], number % 20 + 1),
  arrayElement(['Garcia','Smith','Johnson','Nguyen','Patel','Brown','Kowalski','Okafor','Lee','Martinez','Murphy','Cohen','Rossi','Kim','Schmidt'], intDiv(number, 4) % 15 + 1),
  arrayElement(['Engineering','Operations','Facilities','Finance','IT','Security','Production','Logistics'], number % 8 + 1),
  if(number % 9 = 4, 'CONTRACTOR', 'EMPLOYEE'),
  if(number % 15 = 7, 'EXPIRED', 'ACTIVE')
FROM system.numbers WHERE (SELECT count() FROM piam.dim_person WHERE tenant_id = 'acme') = 0 LIMIT 60;

INSERT INTO piam.dim_person
SELECT
  'buildright',
  concat('br-p', toString(2001 + number)),
  concat('BR-', toString(730000 + number * 13)),
  arrayElement(['Charlotte','Benjamin','Aria','Henry','Chloe','Sebastian','Grace','Jack','Zoe','Owen','Nora','Samuel','Layla','Ryan','Lily','Wyatt'], number % 16 + 1),
  arrayElement(['Walker','Hall','Young','Allen','Wright','Scott','Adams','Baker','Hughes','Rivera','Campbell','Mitchell'], intDiv(number, 3) % 12 + 1),
  arrayElement(['Property Management','Leasing','Maintenance','Security','Tenant Services','Finance'], number % 6 + 1),
  if(number % 7 = 3, 'CONTRACTOR', 'EMPLOYEE'),
  if(number % 15 = 11, 'EXPIRED', 'ACTIVE')
FROM system.numbers WHERE (SELECT count() FROM piam.dim_person WHERE tenant_id = 'buildright') = 0 LIMIT 40;
