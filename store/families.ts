// Device families: the ones inventory has seen (with their series), and the ones only named by
// images or golden tags so far (PnP: an image can be assigned before any device exists).
import type { Queryable } from './database.ts';

export interface FamilySummary {
  name: string;
  series: string | null;
  devices: number;
  images: number;
  goldenTags: number;
}

export async function listFamilies(db: Queryable): Promise<FamilySummary[]> {
  const rows = await db.query<{ name: string; series: string | null; devices: string | number; images: string | number; golden_tags: string | number }>(
    `WITH names AS (
       SELECT name FROM device_families
       UNION SELECT family FROM devices WHERE family IS NOT NULL
       UNION SELECT unnest(families) FROM images
       UNION SELECT family FROM golden_tags)
     SELECT n.name,
            (SELECT series FROM device_families f WHERE f.name = n.name) AS series,
            (SELECT count(*) FROM devices d WHERE d.family = n.name) AS devices,
            (SELECT count(*) FROM images i WHERE n.name = ANY (i.families)) AS images,
            (SELECT count(*) FROM golden_tags t WHERE t.family = n.name) AS golden_tags
       FROM names n ORDER BY n.name`,
  );
  return rows.map((r) => ({ name: r.name, series: r.series, devices: Number(r.devices), images: Number(r.images), goldenTags: Number(r.golden_tags) }));
}
