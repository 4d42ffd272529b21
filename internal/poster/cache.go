package poster

import (
	"container/list"
	"sync"
)

// Cache keeps rendered posters in memory, least recently used dropped first once their bytes
// pass the bound. Keys are hashes of everything a poster shows, so a changed product (name,
// price, picture) or link misses the cache and is drawn anew; the stale entry ages out.
type Cache struct {
	mu    sync.Mutex
	max   int
	size  int
	order *list.List // front: most recently used
	items map[string]*list.Element
}

type cached struct {
	key string
	png []byte
}

// NewCache holds up to maxBytes of PNG data.
func NewCache(maxBytes int) *Cache {
	return &Cache{max: maxBytes, order: list.New(), items: map[string]*list.Element{}}
}

// Get returns the poster stored under key.
func (c *Cache) Get(key string) ([]byte, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.items[key]
	if !ok {
		return nil, false
	}
	c.order.MoveToFront(el)
	return el.Value.(*cached).png, true
}

// Put stores png under key; a poster larger than the whole bound is not kept.
func (c *Cache) Put(key string, png []byte) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(png) > c.max {
		return
	}
	if el, ok := c.items[key]; ok {
		c.size -= len(el.Value.(*cached).png)
		c.order.Remove(el)
	}
	c.items[key] = c.order.PushFront(&cached{key: key, png: png})
	c.size += len(png)
	for c.size > c.max {
		el := c.order.Back()
		old := el.Value.(*cached)
		c.order.Remove(el)
		delete(c.items, old.key)
		c.size -= len(old.png)
	}
}

// Len is the number of posters kept.
func (c *Cache) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.items)
}
