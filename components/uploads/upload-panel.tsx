'use client';

import { useRouter } from 'next/navigation';
import { useCallback, useEffect, useId, useRef, useState, useTransition, type DragEvent } from 'react';
import { buttonClasses } from '@/components/ui/button';
import { Card } from '@/components/ui/card';
import { cx } from '@/components/ui/cx';
import { IconUpload } from '@/components/ui/icons';
import { FileUpload, type UploadSnapshot } from './file-upload';
import { createSendChunk } from './send-chunk';
import { UploadItem } from './upload-item';

/** Files sent at the same time; each file's chunks go one after another. */
const PARALLEL_FILES = 2;

interface Item {
  id: string;
  name: string;
  size: number;
  snapshot: UploadSnapshot;
}

const sendChunk = createSendChunk();

/** Drop zone and file picker, the files in progress and their results. */
export function UploadPanel() {
  const router = useRouter();
  const [, startTransition] = useTransition();
  const inputId = useId();
  const [items, setItems] = useState<Item[]>([]);
  const [isDragging, setIsDragging] = useState(false);
  const uploads = useRef(new Map<string, FileUpload>());
  const nextId = useRef(0);

  const refreshPastUploads = useCallback(() => startTransition(() => router.refresh()), [router]);

  const addFiles = useCallback(
    (files: Iterable<File>) => {
      const added: Item[] = [];
      for (const file of files) {
        nextId.current += 1;
        const id = `f${nextId.current}`;
        const upload = new FileUpload(file, sendChunk, (snapshot) => {
          setItems((current) => current.map((item) => (item.id === id ? { ...item, snapshot } : item)));
          // Each stored chunk is in Past uploads: refresh when a file ends, done or failed part-way.
          if ((snapshot.status === 'done' || snapshot.status === 'failed') && snapshot.chunksDone > 0) refreshPastUploads();
        });
        uploads.current.set(id, upload);
        added.push({ id, name: file.name, size: file.size, snapshot: upload.snapshot });
      }
      setItems((current) => [...current, ...added]);
    },
    [refreshPastUploads],
  );

  // Starts queued files while fewer than PARALLEL_FILES are running.
  useEffect(() => {
    let running = 0;
    for (const upload of uploads.current.values()) if (upload.snapshot.status === 'running') running += 1;
    for (const upload of uploads.current.values()) {
      if (running >= PARALLEL_FILES) break;
      if (upload.snapshot.status !== 'queued') continue;
      running += 1;
      void upload.run();
    }
  }, [items]);

  function onDrop(event: DragEvent<HTMLDivElement>) {
    event.preventDefault();
    setIsDragging(false);
    if (event.dataTransfer.files.length > 0) addFiles(event.dataTransfer.files);
  }

  function onDragOver(event: DragEvent<HTMLDivElement>) {
    if (!event.dataTransfer.types.includes('Files')) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = 'copy';
    setIsDragging(true);
  }

  function onDragLeave(event: DragEvent<HTMLDivElement>) {
    // Leaving for a child element is not leaving the zone.
    if (event.currentTarget.contains(event.relatedTarget as Node | null)) return;
    setIsDragging(false);
  }

  const finished = items.filter((i) => i.snapshot.status === 'done' || i.snapshot.status === 'failed').length;
  const plural = items.length === 1 ? 'file' : 'files';

  return (
    <Card
      id="upload"
      title="Upload files"
      description="MTA logs (Postfix, Exim, PowerMTA, KumoMTA) and ESP event exports (SendGrid, Mailgun, Amazon SES, Postmark, NDJSON, CSV). The format is detected from the content."
      flush
    >
      <div className="p-5">
        <div
          onDrop={onDrop}
          onDragOver={onDragOver}
          onDragLeave={onDragLeave}
          className={cx(
            'flex flex-col items-center justify-center gap-3 rounded-lg border-2 border-dashed px-6 py-10 text-center transition-colors',
            isDragging ? 'border-accent bg-accent-subtle' : 'border-line-strong bg-surface-sunken',
          )}
        >
          <span aria-hidden="true" className={cx('flex size-10 items-center justify-center rounded-full border bg-surface', isDragging ? 'border-accent text-accent-fg' : 'border-line text-fg-muted')}>
            <IconUpload className="size-5" />
          </span>
          <div className="space-y-1">
            <p className="font-medium text-fg">
              {isDragging ? (
                'Drop to upload'
              ) : (
                <>
                  <span className="hidden sm:inline">Drag log files here</span>
                  <span className="sm:hidden">Upload log files</span>
                </>
              )}
            </p>
            <p className="text-xs text-fg-subtle">.log .txt .csv .json .ndjson, plain or .gz — any size, read in 4 MB parts</p>
          </div>
          <div>
            <input
              id={inputId}
              type="file"
              multiple
              className="peer sr-only"
              onChange={(event) => {
                const { files } = event.currentTarget;
                if (files && files.length > 0) addFiles(Array.from(files));
                // Lets the same file be chosen again (a re-upload counts duplicates only).
                event.currentTarget.value = '';
              }}
            />
            <label
              htmlFor={inputId}
              className={buttonClasses({
                variant: 'primary',
                className: 'cursor-pointer peer-focus-visible:outline-2 peer-focus-visible:outline-offset-2 peer-focus-visible:outline-focus',
              })}
            >
              Choose files
            </label>
          </div>
        </div>
      </div>
      {items.length > 0 ? (
        <div className="border-t border-line">
          <p className="px-5 pt-3 text-xs font-medium text-fg-muted" aria-live="polite">
            {finished < items.length ? `${finished} of ${items.length} ${plural} finished…` : `${items.length} ${plural} finished`}
          </p>
          <ul aria-label="Files in this session" className="divide-y divide-line">
            {items.map((item) => (
              <UploadItem
                key={item.id}
                name={item.name}
                size={item.size}
                snapshot={item.snapshot}
                onRetry={() => void uploads.current.get(item.id)?.run()}
              />
            ))}
          </ul>
        </div>
      ) : null}
    </Card>
  );
}
